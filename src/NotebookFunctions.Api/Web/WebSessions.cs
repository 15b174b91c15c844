using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace NotebookFunctions.Api.Web;

/// <summary>
/// Browser sessions for a host without App Service Authentication (nbf serve), as Jupyter does it: the host prints a
/// sign-in URL with a one-time token; opening it trades the token for a session cookie (HttpOnly, SameSite=Strict)
/// carrying the roles of whoever issued it. A page's state-changing requests must also send the session's CSRF token
/// in a header (double submit: the token sits in a second cookie the page can read, another origin cannot).
/// Held in memory: sessions end with the host, as its printed token does.
/// </summary>
public sealed class WebSessions(TimeProvider? clock = null)
{
    public const string SessionCookie = "nbf_session";
    public const string CsrfCookie = "nbf_csrf";
    public const string CsrfHeader = "X-NBF-CSRF";

    /// <summary>How long a printed sign-in token can be used (once).</summary>
    public static readonly TimeSpan SignInLifetime = TimeSpan.FromHours(12);

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, (IReadOnlySet<string> Roles, DateTimeOffset Expires)> _signIns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    /// <summary>A signed-in browser: its id (the cookie), its CSRF token, and its roles.</summary>
    public sealed record Session(string Id, string Csrf, IReadOnlySet<string> Roles, DateTimeOffset Expires);

    /// <summary>A one-time sign-in token for these roles.</summary>
    public string IssueSignIn(IReadOnlySet<string> roles)
    {
        var token = NewSecret();
        _signIns[token] = (roles, _clock.GetUtcNow() + SignInLifetime);
        return token;
    }

    /// <summary>The session a sign-in token opens, or null when the token is unknown, used or expired.</summary>
    public Session? Redeem(string? token)
    {
        if (token is null || !_signIns.TryRemove(token, out var signIn) || signIn.Expires < _clock.GetUtcNow()) return null;
        var session = new Session(NewSecret(), NewSecret(), signIn.Roles, _clock.GetUtcNow() + SessionLifetime);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session a request's cookie names, or null.</summary>
    public Session? Find(HttpRequest request)
    {
        if (request.Cookies[SessionCookie] is not { Length: > 0 } id || !_sessions.TryGetValue(id, out var session)) return null;
        if (session.Expires >= _clock.GetUtcNow()) return session;
        _sessions.TryRemove(id, out _);
        return null;
    }

    /// <summary>GET /app/signin?token=...: trades the token for the cookies, then sends the browser on (a local path only).</summary>
    public IResult SignIn(HttpContext context)
    {
        var session = Redeem(context.Request.Query["token"].FirstOrDefault());
        if (session is null)
            return ApiProblems.Problem(401, "Unauthorized", "this sign-in link is unknown, used already or expired: nbf serve prints a new one when it starts");
        context.Response.Cookies.Append(SessionCookie, session.Id, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps, Path = "/", MaxAge = SessionLifetime });
        CsrfGuard.WriteCookie(context, session.Csrf, SessionLifetime);
        var next = context.Request.Query["next"].FirstOrDefault();
        // Only a path of this host: never an open redirect to wherever a link says.
        return Results.Redirect(IsLocalPath(next) ? next! : "/app/");
    }

    /// <summary>A path of this host only: "/x...", never "//host", "/\\host", or a control character a browser would drop ("/\t/host").</summary>
    internal static bool IsLocalPath(string? next) =>
        next is { Length: > 1 } && next[0] == '/' && next[1] is not ('/' or '\\') && !next.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\');

    internal static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
