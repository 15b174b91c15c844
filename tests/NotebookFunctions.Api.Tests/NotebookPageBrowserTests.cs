using System.Text.Json;

namespace NotebookFunctions.Api.Tests;

/// <summary>The executed-notebook page in a real browser: a notebook's hostile outputs execute nothing, the error banner links to the cell.</summary>
public sealed class NotebookPageBrowserTests
{
    [Fact]
    public async Task A_notebook_whose_outputs_attack_the_reader_runs_nothing_in_the_browser()
    {
        await using var api = await ApiHarness.StartAsync();
        var id = await api.RunOnceAsync("xss", ApiHarness.NotebookText(
            "input_path = 'x'\noutput_dir = 'o'",
            "from IPython.display import HTML, SVG, Markdown, display\n" +
            "display(HTML('<p class=\"shown\">report</p><script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\"><a class=\"evil\" href=\"javascript:window.pwned = 3\">click me</a>'))\n" +
            "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" onload=\"window.pwned = 4\"><script>window.pwned = 5</script><rect width=\"10\" height=\"10\"/></svg>'))\n" +
            "display(Markdown('**bold** <img src=x onerror=\"window.pwned = 6\">'))",
            "raise RuntimeError('the last cell fails')"));
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync(new Dictionary<string, string> { ["X-API-Key"] = ApiHarness.ReaderKey });

        var response = await page.GotoAsync(new Uri(api.Http.BaseAddress!, $"/api/runs/{id}/chunks/0/view").ToString());
        await page.ClickAsync(".nb-error-banner a");
        if (await page.QuerySelectorAsync("a.evil") is { } link) await link.ClickAsync();
        var pwned = await page.EvaluateAsync<JsonElement>("() => typeof window.pwned");
        await Browser.ScreenshotAsync(page, "notebook-page-xss");

        Assert.Equal(200, response!.Status);
        Assert.StartsWith("default-src 'none'", (await response.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("undefined", pwned.GetString());
        Assert.Equal("report", await page.TextContentAsync(".nb-html p.shown"));
        Assert.Matches("#cell-\\d+$", page.Url);
        Assert.True(await page.IsVisibleAsync(".nb-failed .nb-traceback"));
        Assert.Equal(1, await page.Locator("img.nb-image").CountAsync()); // the SVG, as an image
    }
}
