using Microsoft.AspNetCore.Http;
using NotebookFunctions.Api.AccessControl;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>GET /api/me: who the caller is and what their roles let them do, so the web app shows only what works.</summary>
public static class SessionApi
{
    public static IResult Me(HttpRequest request)
    {
        var principal = ClientPrincipal.Of(request.HttpContext);
        var roles = principal?.Roles ?? new HashSet<string>();
        return Results.Json(new
        {
            name = principal?.Name,
            roles = roles.Order(StringComparer.Ordinal).ToList(),
            can = new
            {
                read = roles.Contains(NotebookRoles.Reader),
                run = roles.Contains(NotebookRoles.Runner),
                publish = roles.Contains(NotebookRoles.Publisher),
            },
        }, ApiJson.Options);
    }
}
