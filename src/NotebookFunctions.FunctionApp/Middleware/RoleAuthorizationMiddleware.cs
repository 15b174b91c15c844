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

        var principal = PrincipalFor(http.Request.Headers[ClientPrincipal.HeaderName].FirstOrDefault(), options.Value);
        var decision = AccessPolicy.Decide(context.FunctionDefinition.Name, principal);
        if (!decision.Allowed)
        {
            await ApiProblems.Problem(decision.Status, decision.Status == 401 ? "Unauthorized" : "Forbidden", decision.Reason!).ExecuteAsync(http);
            return;
        }

        // A browser signed in by the platform's cookie sends it with any request, also one another site makes it send.
        if (principal is not null && ApiOperations.RequiredRole.ContainsKey(context.FunctionDefinition.Name) && CsrfGuard.SignedInByPlatformCookie(http.Request)
            && CsrfGuard.Refusal(http.Request, context.FunctionDefinition.Name) is { } refusal)
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
        if (principal is null && options.IsDevelopment && options.DevelopmentRoles is { Length: > 0 } roles)
            return new ClientPrincipal("local developer", "development", roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet());
        return principal;
    }
}

/// <summary>Configuration section NotebookFunctions:Auth.</summary>
public sealed record AuthOptions
{
    /// <summary>Roles a request without a principal gets when the app runs in the Development environment.</summary>
    public string? DevelopmentRoles { get; set; }

    public bool IsDevelopment { get; set; }

    /// <summary>App Service Authentication is on (the platform sets WEBSITE_AUTH_ENABLED=True).</summary>
    public bool PlatformAuthentication { get; set; }
}
