using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Options;
using NotebookFunctions.Api;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Web;

namespace NotebookFunctions.FunctionApp.Middleware;

/// <summary>
/// The gate of every HTTP function (they are anonymous at the host, behind App Service Authentication): roles from the one table in <see cref="ApiOperations"/>: the
/// caller comes from App Service Authentication's X-MS-CLIENT-PRINCIPAL header; 401 without it, 403 without the role.
/// A browser signed in by the platform's cookie must also pass <see cref="CsrfGuard"/> to change anything.
/// </summary>
public sealed class RoleAuthorizationMiddleware(IOptions<AuthOptions> options) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }

        // Deny by default: an HTTP function is an operation of the role table or one of the few public ones; a new
        // function nobody put in the table is refused rather than left open (the triggers are anonymous at the host).
        var name = context.FunctionDefinition.Name;
        if (!ApiOperations.RequiredRole.ContainsKey(name) && !PublicFunctions.Contains(name))
        {
            await ApiProblems.Problem(403, "Forbidden", $"{name} is not an operation of the role table, so nobody may call it").ExecuteAsync(http);
            return;
        }

        var principal = PrincipalFor(http.Request.Headers[ClientPrincipal.HeaderName].FirstOrDefault(), options.Value);
        var decision = AccessPolicy.Decide(name, principal);
        if (!decision.Allowed)
        {
            await ApiProblems.Problem(decision.Status, decision.Status == 401 ? "Unauthorized" : "Forbidden", decision.Reason!).ExecuteAsync(http);
            return;
        }

        // A browser signed in by the platform's cookie sends it with any request, also one another site makes it send:
        // a change signed in without a token of its own (no Authorization header) must come from our page.
        if (principal is not null && principal.IdentityProvider != DevelopmentProvider && ApiOperations.RequiredRole.ContainsKey(name)
            && CsrfGuard.SignedInWithoutToken(http.Request) && CsrfGuard.Refusal(http.Request, name) is { } refusal)
        {
            await ApiProblems.Problem(403, "Forbidden", refusal).ExecuteAsync(http);
            return;
        }

        ClientPrincipal.Attach(http, principal);
        await next(context);
    }

    /// <summary>
    /// The platform's principal, trusted only where App Service Authentication is on (it strips a client's own
    /// X-MS-CLIENT-PRINCIPAL and sets the real one); elsewhere a caller could write the header itself. In Development
    /// only, configured roles stand in when there is none (func start has no App Service Authentication).
    /// </summary>
    internal static ClientPrincipal? PrincipalFor(string? header, AuthOptions options)
    {
        var principal = options.PlatformAuthentication ? ClientPrincipal.FromHeader(header) : null;
        // Never on an App Service instance: a Development setting left on a deployed app must not open it to everyone.
        if (principal is null && options.IsDevelopment && !options.RunsInAzure && options.DevelopmentRoles is { Length: > 0 } roles)
            return new ClientPrincipal("local developer", DevelopmentProvider, roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet());
        return principal;
    }

    private const string DevelopmentProvider = "development";

    /// <summary>The HTTP functions anyone may reach: the web app's page (it asks /api/me who is signed in) and the 404 of unknown routes.</summary>
    private static readonly HashSet<string> PublicFunctions = [Functions.WebHttpFunctions.WebAppName, Functions.RouteNotFoundFunction.Name];
}

/// <summary>Configuration section NotebookFunctions:Auth.</summary>
public sealed record AuthOptions
{
    /// <summary>Roles a request without a principal gets when the app runs in the Development environment.</summary>
    public string? DevelopmentRoles { get; set; }

    public bool IsDevelopment { get; set; }

    /// <summary>App Service Authentication is on (the platform sets WEBSITE_AUTH_ENABLED=True).</summary>
    public bool PlatformAuthentication { get; set; }

    /// <summary>The app runs on an App Service instance (the platform sets WEBSITE_INSTANCE_ID): development roles never apply.</summary>
    public bool RunsInAzure { get; set; }
}
