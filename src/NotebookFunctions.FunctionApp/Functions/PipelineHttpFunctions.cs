using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Endpoints;

namespace NotebookFunctions.FunctionApp.Functions;

/// <summary>/api/pipelines: publish and read pipeline definitions, start a run of one (then read through /api/runs).</summary>
public sealed class PipelineHttpFunctions(PipelinesApi pipelines)
{
    [Function(ApiOperations.PublishPipeline)]
    public async Task<IActionResult> PublishPipeline([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/pipelines/{name}")] HttpRequest request, [DurableClient] DurableTaskClient client, string name) =>
        new ResultAction(await pipelines.PublishAsync(request, client, name));

    [Function(ApiOperations.ListPipelines)]
    public async Task<IActionResult> ListPipelines([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/pipelines")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        new ResultAction(await pipelines.ListAsync(request, client));

    [Function(ApiOperations.GetPipeline)]
    public async Task<IActionResult> GetPipeline([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/pipelines/{name}")] HttpRequest request, [DurableClient] DurableTaskClient client, string name) =>
        new ResultAction(await pipelines.GetAsync(request, client, name));

    [Function(ApiOperations.StartPipelineRun)]
    public async Task<IActionResult> StartPipelineRun([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/pipelines/{name}/runs")] HttpRequest request, [DurableClient] DurableTaskClient client, string name) =>
        new ResultAction(await pipelines.StartRunAsync(request, client, name));
}
