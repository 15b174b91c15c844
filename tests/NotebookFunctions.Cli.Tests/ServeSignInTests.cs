using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Cli.Tests;

/// <summary>The sign-in link <c>nbf serve</c> prints: followed as a browser follows it, it signs in once and opens the web app.</summary>
[Collection(ServeProcess.Collection)]
public sealed class ServeSignInTests
{
    [Fact]
    public async Task The_printed_sign_in_link_opens_the_web_app_signed_in_with_every_role_and_works_only_once()
    {
        await using var serve = await ServeProcess.StartAsync();
        var line = await serve.WaitForStderrLineAsync(l => l.StartsWith("nbf serve: sign in a browser", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var link = new Uri(line[(line.LastIndexOf(' ') + 1)..]);
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = true });
        using var anotherBrowser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true });

        using var opened = await browser.GetAsync(link);
        var page = await opened.Content.ReadAsStringAsync();
        var me = await browser.GetFromJsonAsync<JsonObject>(new Uri(link, "/api/me"));
        using var reused = await anotherBrowser.GetAsync(link);
        using var unsigned = await anotherBrowser.GetAsync(new Uri(link, "/api/me"));

        Assert.Equal(new Uri(link, "/app/signin").AbsolutePath, link.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("/app/", opened.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("/app/assets/app.js?v=", page);
        Assert.NotNull(cookies.GetCookies(link)["nbf_session"]);
        Assert.NotNull(cookies.GetCookies(link)["nbf_csrf"]);
        Assert.True(me!["can"]!["publish"]!.GetValue<bool>() && me["can"]!["run"]!.GetValue<bool>() && me["can"]!["read"]!.GetValue<bool>(), me.ToJsonString());
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }
}
