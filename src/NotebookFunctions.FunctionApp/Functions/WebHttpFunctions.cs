using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Endpoints;
using NotebookFunctions.Api.Web;

namespace NotebookFunctions.FunctionApp.Functions;

/// <summary>
/// The web app on the Functions host: its page and assets under /app/ (behind App Service Authentication, which
/// signs the browser in before it gets here), and the API operations only the app needs.
/// </summary>
public sealed class WebHttpFunctions(CatalogApi catalog, UploadsApi uploads)
{
    public const string WebAppName = "WebApp";

    [Function(WebAppName)]
    public IActionResult WebApp([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "app/{*path}")] HttpRequest request, string? path) =>
        new ResultAction(Api.Web.WebApp.Serve(request.HttpContext, path));

    [Function(ApiOperations.GetSignedInUser)]
    public IActionResult GetSignedInUser([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me")] HttpRequest request) =>
        new ResultAction(SessionApi.Me(request));

    [Function(ApiOperations.GetCatalog)]
    public async Task<IActionResult> GetCatalog([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/catalog")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        new ResultAction(await catalog.ListAsync(request, client));

    [Function(ApiOperations.UploadInput)]
    public async Task<IActionResult> UploadInput([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/uploads")] HttpRequest request) =>
        new ResultAction(await uploads.UploadAsync(request));
}
