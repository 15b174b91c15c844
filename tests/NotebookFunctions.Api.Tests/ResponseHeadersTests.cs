using System.Net;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// The app shares the API's origin, so what a notebook wrote must never run there: every response says nosniff, and a
/// run's files are downloads with a sandboxing policy (a .html or .svg result opened from the app runs no script of ours).
/// </summary>
public sealed class ResponseHeadersTests
{
    [Fact]
    public async Task Every_kind_of_answer_says_nosniff_refusals_included()
    {
        await using var api = await ApiHarness.StartAsync();
        using var badKey = new HttpRequestMessage(HttpMethod.Get, "/api/notebooks");
        badKey.Headers.Add("X-API-Key", "not-a-key");

        var answers = new Dictionary<string, HttpResponseMessage>
        {
            ["a listing"] = await api.Http.GetAsync("/api/notebooks"),
            ["an unknown route"] = await api.Http.GetAsync("/api/no-such-thing"),
            ["a wrong method"] = await api.Http.DeleteAsync("/api/notebooks"),
            ["a bad query"] = await api.Http.GetAsync("/api/runs?top=0"),
            ["a refused key"] = await api.Http.SendAsync(badKey),
            ["the web app"] = await api.Http.GetAsync("/app/"),
            ["a missing run file"] = await api.Http.GetAsync("/api/runs/no-such-run/files/results/x.csv"),
        };

        foreach (var (what, response) in answers)
        {
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var values), $"{what} ({(int)response.StatusCode}) has no X-Content-Type-Options");
            Assert.Equal("nosniff", values.Single());
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_runs_files_and_executed_notebooks_are_sandboxed_downloads()
    {
        await using var api = await ApiHarness.StartAsync();
        var id = await api.RunOnceAsync("written", ApiHarness.NotebookText(
            "input_path = 'x'\noutput_dir = 'o'",
            "import os\nos.makedirs(output_dir, exist_ok=True)\n"
            + "open(os.path.join(output_dir, 'page.html'), 'w').write('<script>fetch(\"/api/me\")</script>')\n"
            + "open(os.path.join(output_dir, 'pic.svg'), 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>')"));
        var (_, listing) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{id}/files");
        var links = listing["files"]!.AsArray().Select(f => f!["link"]!.GetValue<string>()).ToList();

        var downloads = new List<string> { links.Single(l => l.EndsWith("/page.html", StringComparison.Ordinal)), links.Single(l => l.EndsWith("/pic.svg", StringComparison.Ordinal)), $"/api/runs/{id}/chunks/0/notebook" };
        foreach (var link in downloads)
        {
            using var response = await api.Http.GetAsync(link);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.False(string.IsNullOrEmpty(response.Content.Headers.ContentDisposition?.FileNameStar), $"{link} names no file");
            Assert.Equal(ResponseHeaders.DownloadPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        }

        using var page = await api.Http.GetAsync(downloads[0]);
        Assert.Equal("page.html", page.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Contains("<script>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
