using System.Net;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Web;

namespace NotebookFunctions.Api.Tests;

/// <summary>nbf serve's browser sign-in: a one-time link becomes a session cookie, and a change made with it needs the page's CSRF header.</summary>
public sealed class WebSessionTests
{
    [Fact]
    public async Task A_sign_in_link_works_once_and_a_session_s_changes_need_the_page_s_csrf_header()
    {
        var durable = await DurableTestHosts.StartAsync();
        await using var _ = durable;
        var sessions = new WebSessions();
        var app = ApiHost.Create(ApiHarness.Blobs, durable.Client, new Dictionary<string, IReadOnlySet<string>> { ["key"] = NotebookRoles.All.ToHashSet() }, port: 0, sessions: sessions);
        await app.StartAsync();
        await using var __ = app;
        var token = sessions.IssueSignIn(new HashSet<string> { NotebookRoles.Reader, NotebookRoles.Runner });
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(app.Urls.First()) };
        using var stranger = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = browser.BaseAddress };

        using var before = await browser.GetAsync("/api/runs");
        using var signIn = await browser.GetAsync($"/app/signin?token={token}&next=/api/notebooks");
        using var reused = await stranger.GetAsync($"/app/signin?token={token}");
        using var openRedirect = await stranger.GetAsync($"/app/signin?token={sessions.IssueSignIn(new HashSet<string> { NotebookRoles.Reader })}&next=//evil.example/");
        using var list = await browser.GetAsync("/api/notebooks");
        using var forged = await browser.PostAsync("/api/runs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var csrf = cookies.GetCookies(browser.BaseAddress!)[WebSessions.CsrfCookie]!.Value;
        using var fromPage = new HttpRequestMessage(HttpMethod.Post, "/api/runs") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        fromPage.Headers.Add(WebSessions.CsrfHeader, csrf);
        using var checkedRun = await browser.SendAsync(fromPage);
        using var publish = new HttpRequestMessage(HttpMethod.Put, "/api/notebooks/x") { Content = new StringContent("{}") };
        publish.Headers.Add(WebSessions.CsrfHeader, csrf);
        using var notPublisher = await browser.SendAsync(publish);

        Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/api/notebooks", signIn.Headers.Location!.ToString());
        var setCookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(setCookies, c => c.StartsWith(WebSessions.SessionCookie + "=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Equal("/app/", openRedirect.Headers.Location!.ToString());
        Assert.False(WebSessions.IsLocalPath("/\t/evil.example/x"));
        Assert.False(WebSessions.IsLocalPath("/\\evil.example"));
        Assert.False(WebSessions.IsLocalPath("//evil.example"));
        Assert.True(WebSessions.IsLocalPath("/app/#/runs/x"));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains(WebSessions.CsrfHeader, await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // With the header the request reaches the run service, which refuses the empty body on its merits.
        Assert.Equal(HttpStatusCode.BadRequest, checkedRun.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notPublisher.StatusCode);
        Assert.Contains(NotebookRoles.Publisher, await notPublisher.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
