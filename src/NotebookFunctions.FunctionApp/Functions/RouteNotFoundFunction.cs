using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using NotebookFunctions.Api;

namespace NotebookFunctions.FunctionApp.Functions;

/// <summary>
/// Every /api/ route no operation has, with any method: a problem document instead of the host's empty 404. Routing
/// prefers every literal route over a catch-all, so this only answers what nothing else takes. Not an API operation:
/// it needs no role, and says nothing but that the route does not exist.
/// </summary>
public sealed class RouteNotFoundFunction
{
    public const string Name = "RouteNotFound";

    [Function(Name)]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "delete", "patch", "head", "options", Route = "api/{*path}")] HttpRequest request) =>
        new ResultAction(ApiErrorPages.NoRoute(request));
}
