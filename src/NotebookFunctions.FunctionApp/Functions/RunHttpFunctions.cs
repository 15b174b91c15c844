using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Endpoints;

namespace NotebookFunctions.FunctionApp.Functions;

/// <summary>/api/runs: start, list, read, cancel, repair, a chunk's executed notebook, and a run's files.</summary>
public sealed class RunHttpFunctions(RunsApi runs)
{
    [Function(ApiOperations.StartRun)]
    public async Task<IActionResult> StartRun([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/runs")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        new ResultAction(await runs.StartAsync(request, client));

    [Function(ApiOperations.ListRuns)]
    public async Task<IActionResult> ListRuns([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        new ResultAction(await runs.ListAsync(request, client));

    [Function(ApiOperations.GetRun)]
    public async Task<IActionResult> GetRun([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{id}")] HttpRequest request, [DurableClient] DurableTaskClient client, string id) =>
        new ResultAction(await runs.GetAsync(request, client, id));

    [Function(ApiOperations.CancelRun)]
    public async Task<IActionResult> CancelRun([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/runs/{id}/cancel")] HttpRequest request, [DurableClient] DurableTaskClient client, string id) =>
        new ResultAction(await runs.CancelAsync(request, client, id));

    [Function(ApiOperations.RepairRun)]
    public async Task<IActionResult> RepairRun([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/runs/{id}/repair")] HttpRequest request, [DurableClient] DurableTaskClient client, string id) =>
        new ResultAction(await runs.RepairAsync(request, client, id));

    [Function(ApiOperations.GetChunkNotebook)]
    public async Task<IActionResult> GetChunkNotebook([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{id}/chunks/{index:int}/notebook")] HttpRequest request, [DurableClient] DurableTaskClient client, string id, int index) =>
        new ResultAction(await runs.ChunkNotebookAsync(request, client, id, index));

    [Function(ApiOperations.ViewChunkNotebook)]
    public async Task<IActionResult> ViewChunkNotebook([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{id}/chunks/{index:int}/view")] HttpRequest request, [DurableClient] DurableTaskClient client, string id, int index) =>
        new ResultAction(await runs.ChunkNotebookPageAsync(request, client, id, index));

    [Function(ApiOperations.ViewReduceNotebook)]
    public async Task<IActionResult> ViewReduceNotebook([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{id}/reduce/view")] HttpRequest request, [DurableClient] DurableTaskClient client, string id) =>
        new ResultAction(await runs.ReduceNotebookPageAsync(request, client, id));

    [Function(ApiOperations.GetRunEnvironment)]
    public async Task<IActionResult> GetRunEnvironment([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{id}/environment")] HttpRequest request, [DurableClient] DurableTaskClient client, string id) =>
        new ResultAction(await runs.EnvironmentAsync(request, client, id));

    [Function(ApiOperations.ListRunFiles)]
    public async Task<IActionResult> ListRunFiles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{id}/files")] HttpRequest request, [DurableClient] DurableTaskClient client, string id) =>
        new ResultAction(await runs.FilesAsync(request, client, id));

    [Function(ApiOperations.GetRunFile)]
    public async Task<IActionResult> GetRunFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/runs/{id}/files/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client, string id, string path) =>
        new ResultAction(await runs.FileAsync(request, client, id, path));
}
