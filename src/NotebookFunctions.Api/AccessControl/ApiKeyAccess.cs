using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NotebookFunctions.Api.AccessControl;

/// <summary>
/// Access control for a host without App Service Authentication (nbf serve): API keys from configuration stand in for
/// the principal, each key carrying roles; the decision is <see cref="AccessPolicy"/>'s, from the same table.
/// Keys come as "X-API-Key: KEY" or "Authorization: Bearer KEY" and are compared in constant time.
/// </summary>
public sealed class ApiKeyAccess(IReadOnlyDictionary<string, IReadOnlySet<string>> keys, Web.WebSessions? sessions = null)
{
    public const string HeaderName = "X-API-Key";

    public ClientPrincipal? PrincipalFor(HttpRequest request)
    {
        var presented = request.Headers[HeaderName].FirstOrDefault();
        var authorization = request.Headers.Authorization.FirstOrDefault();
        // An empty X-API-Key (a client that always sends the header) must not hide a key given as a bearer token.
        if (string.IsNullOrWhiteSpace(presented) && authorization?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true) presented = authorization[7..].Trim();
        if (string.IsNullOrEmpty(presented)) return sessions?.Find(request) is { } session ? new ClientPrincipal("web-session", "nbf", session.Roles) : null;
        var given = Encoding.UTF8.GetBytes(presented);
        foreach (var (key, roles) in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(key))) return new ClientPrincipal("api-key", "apikey", roles);
        }

        return null;
    }

    /// <summary>Adds the check to the pipeline (after routing, so the endpoint's name is known).</summary>
    public void UseIn(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var operation = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (operation is not null)
        {
            var principal = PrincipalFor(context.Request);
            var decision = AccessPolicy.Decide(operation, principal);
            if (!decision.Allowed)
            {
                await ApiProblems.Problem(decision.Status, decision.Status == 401 ? "Unauthorized" : "Forbidden", decision.Reason!).ExecuteAsync(context);
                return;
            }

            // A browser's cookie goes with any request to this host, also one another site makes it send: a change made
            // with the session must prove it came from our page.
            if (principal?.IdentityProvider == "nbf" && sessions?.Find(context.Request) is { } session
                && Web.CsrfGuard.Refusal(context.Request, operation, session.Csrf) is { } refusal)
            {
                await ApiProblems.Problem(403, "Forbidden", refusal).ExecuteAsync(context);
                return;
            }

            ClientPrincipal.Attach(context, principal);
        }

        await next(context);
    });
}
