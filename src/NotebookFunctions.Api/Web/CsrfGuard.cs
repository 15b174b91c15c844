using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace NotebookFunctions.Api.Web;

/// <summary>
/// Cross-site request forgery, for callers a browser cookie signs in (nbf serve's session, App Service
/// Authentication's AppServiceAuthSession): a state-changing request must carry, in the X-NBF-CSRF header, the token
/// of the nbf_csrf cookie. Our page reads that cookie and sends it; another origin can neither read it nor (without a
/// CORS grant nobody gives) send a custom header. A request whose Origin is another site is refused outright.
/// Callers with a key or a bearer token carry no ambient credential, and need neither.
/// </summary>
public static class CsrfGuard
{
    /// <summary>Gives a browser a CSRF token when it has none: what the app's page does before any call.</summary>
    public static void EnsureCookie(HttpContext context)
    {
        if (context.Request.Cookies[WebSessions.CsrfCookie] is { Length: > 0 }) return;
        WriteCookie(context, WebSessions.NewSecret());
    }

    /// <summary>
    /// The nbf_csrf cookie: readable by the page (it echoes the token in the header), useless to another origin, which
    /// can neither read it nor send the header. A session's lasts as long as the session; otherwise the browser's.
    /// </summary>
    public static void WriteCookie(HttpContext context, string token, TimeSpan? maxAge = null) =>
        context.Response.Cookies.Append(WebSessions.CsrfCookie, token, new CookieOptions
        {
            HttpOnly = false,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = maxAge,
        });

    /// <summary>
    /// Whether the request carries no token of its own (no Authorization, no X-ZUMO-AUTH): signed in, then, by the
    /// platform's session cookie, whatever the cookie is called on the way to the worker.
    /// </summary>
    public static bool SignedInWithoutToken(HttpRequest request) =>
        request.Headers.Authorization.Count == 0 && request.Headers["X-ZUMO-AUTH"].Count == 0;

    /// <summary>
    /// Why a request signed in by a cookie must be refused, or null when it may go on. <paramref name="expected"/> is
    /// the token it must carry: its session's (nbf serve), or null to compare with its own nbf_csrf cookie (double submit).
    /// </summary>
    public static string? Refusal(HttpRequest request, string operation, string? expected = null)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return null;
        if (request.Headers.Origin.FirstOrDefault() is { Length: > 0 } origin && !SameOrigin(origin, request))
            return $"{operation} was refused: the request came from another site ({origin}), and a browser's sign-in only works from this app's own pages";
        expected ??= request.Cookies[WebSessions.CsrfCookie];
        var sent = request.Headers[WebSessions.CsrfHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(sent)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(expected)))
            return $"{operation} was refused: a request made with the browser's session must carry the {WebSessions.CsrfHeader} header from the page (a cross-site request cannot)";
        return null;
    }

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
