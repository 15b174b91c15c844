using System.Net;
using System.Net.Http.Headers;

namespace NotebookFunctions.Api.Tests;

/// <summary>GET /api/runs/{id}/chunks/{i}/view and /reduce/view: an executed notebook as a page, under a policy that runs no script.</summary>
public sealed class NotebookPageTests
{
    [Fact]
    public async Task A_failed_chunk_s_notebook_is_a_page_marking_its_cell_under_a_policy_that_runs_no_script()
    {
        await using var api = await ApiHarness.StartAsync();
        var id = await api.RunOnceAsync("page", ApiHarness.NotebookText(
            "input_path = 'x'\noutput_dir = 'o'",
            "from IPython.display import HTML, display\ndisplay(HTML('<b>bold</b><script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">'))",
            "raise ValueError('no good ' + str(1 + 1))"));

        var (_, run) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{id}");
        Assert.Equal($"/api/runs/{id}/chunks/{{index}}/view", run["links"]!["chunkPage"]!.GetValue<string>());
        Assert.Null(run["links"]!["reducePage"]);
        using var reader = new HttpRequestMessage(HttpMethod.Get, run["links"]!["chunkPage"]!.GetValue<string>().Replace("{index}", "0", StringComparison.Ordinal));
        reader.Headers.Add("X-API-Key", ApiHarness.ReaderKey);
        using var page = await api.Http.SendAsync(reader);
        var html = await page.Content.ReadAsStringAsync();
        using var shown = await api.Http.GetAsync($"/api/runs/{id}/chunks/0/view?code=show");
        using var missing = await api.Http.GetAsync($"/api/runs/{id}/chunks/7/view");
        using var noReduce = await api.Http.GetAsync($"/api/runs/{id}/reduce/view");
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{id}/chunks/0/view");
        anonymous.Headers.Authorization = null;
        anonymous.Headers.Add("X-API-Key", "not-a-key");
        using var refused = await api.Http.SendAsync(anonymous);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'none'; style-src 'sha256-", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("<div class=\"nb-error-banner\" role=\"alert\">Execution failed in <a href=\"#cell-", html, StringComparison.Ordinal);
        Assert.Contains("ValueError: no good 2", html, StringComparison.Ordinal);
        Assert.Contains("<b>bold</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        // The cell's source shows the attribute escaped; as markup it is gone.
        Assert.DoesNotContain("onerror=\"", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("onerror=&quot;", html, StringComparison.Ordinal);
        Assert.Contains("<details class=\"nb-source\" open><summary>In [1]</summary>", await shown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("<details class=\"nb-source\" open><summary>In [1]</summary>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noReduce.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
