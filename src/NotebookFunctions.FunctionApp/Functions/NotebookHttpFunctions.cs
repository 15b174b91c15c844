using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Endpoints;

namespace NotebookFunctions.FunctionApp.Functions;

/// <summary>PUT/GET /api/notebooks: publish and read notebooks (signed in by App Service Authentication, roles checked by middleware).</summary>
public sealed class NotebookHttpFunctions(NotebooksApi notebooks)
{
    [Function(ApiOperations.PublishNotebook)]
    public async Task<IActionResult> PublishNotebook([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/notebooks/{name}")] HttpRequest request, string name) =>
        new ResultAction(await notebooks.PublishAsync(request, name));

    [Function(ApiOperations.ListNotebooks)]
    public async Task<IActionResult> ListNotebooks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/notebooks")] HttpRequest request) =>
        new ResultAction(await notebooks.ListAsync(request));

    [Function(ApiOperations.GetNotebook)]
    public async Task<IActionResult> GetNotebook([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/notebooks/{name}")] HttpRequest request, string name) =>
        new ResultAction(await notebooks.GetAsync(request, name));
}
