using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Api.Runs;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>Starting, listing, reading, cancelling and repairing runs.</summary>
public sealed class RunsApi(BlobServiceClient blobs, ApiOptions options, TimeProvider clock, Core.Secrets.ISecretSource? secrets = null)
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private readonly RunStarter _starter = new(blobs, secrets);
    private readonly RunStore _runs = new(blobs);

    /// <summary>POST /api/runs: validated before anything is scheduled; with Idempotency-Key, a retried POST finds the first run.</summary>
    public Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client) => ApiProblems.GuardAsync(async () =>
    {
        var body = await ApiJson.ReadAsync<RunBody>(request.Body, "run request", request.HttpContext.RequestAborted);
        var runRequest = await _starter.ValidateAsync(body, request.HttpContext.RequestAborted);
        var key = request.Headers[IdempotencyHeader].FirstOrDefault();
        if (key is { Length: > 200 }) throw ApiException.BadRequest($"the {IdempotencyHeader} header is longer than 200 characters", IdempotencyHeader);
        var runId = string.IsNullOrWhiteSpace(key) ? RunIds.New(runRequest.Notebook, clock.GetUtcNow()) : RunIds.ForIdempotencyKey(runRequest.Notebook, key);
        var started = await _starter.StartOnceAsync(client, runRequest, runId, request.HttpContext.RequestAborted);
        return Accepted(started);
    });

    /// <summary>GET /api/runs?notebook=&amp;status=&amp;top=&amp;continuationToken=</summary>
    public Task<IResult> ListAsync(HttpRequest request, DurableTaskClient client) => ApiProblems.GuardAsync(async () =>
    {
        var notebook = request.Query["notebook"].FirstOrDefault();
        var status = request.Query["status"].FirstOrDefault();
        var top = ParseTop(request.Query["top"].FirstOrDefault());
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = notebook is null ? null : notebook + "-",
            PageSize = top,
            FetchInputsAndOutputs = true,
            ContinuationToken = request.Query["continuationToken"].FirstOrDefault(),
            Statuses = RuntimeStatusesFor(status),
        };
        var runs = new JsonArray();
        string? next = null;
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(query.ContinuationToken, top))
        {
            foreach (var state in page.Values)
            {
                // The id prefix also matches "sales-eu" for "sales": the request names the notebook exactly.
                var runRequest = RunView.Input(state);
                if (notebook is not null && runRequest?.Notebook != notebook) continue;
                var result = RunView.Output(state);
                if (status is not null && !string.Equals(RunView.StatusOf(state, result), status, StringComparison.OrdinalIgnoreCase)) continue;
                runs.Add(RunView.Summary(state, runRequest, result));
            }

            next = page.ContinuationToken;
            break;
        }

        return Results.Json(new JsonObject { ["runs"] = runs, ["continuationToken"] = next }, ApiJson.Options);
    });

    /// <summary>GET /api/runs/{id}</summary>
    public Task<IResult> GetAsync(HttpRequest request, DurableTaskClient client, string id) => ApiProblems.GuardAsync(async () =>
    {
        var state = await FindAsync(client, id, request.HttpContext.RequestAborted);
        var manifestText = await _runs.DownloadTextAsync(StorageLayout.ManifestBlob(id), request.HttpContext.RequestAborted);
        var manifest = manifestText is null ? null : JsonNode.Parse(manifestText) as JsonObject;
        var view = RunView.Detail(state, manifest);
        if (manifest is null && !state.IsCompleted) view["chunks"] = await ChunksInFlightAsync(id, request.HttpContext.RequestAborted);
        return Results.Json(view, ApiJson.Options);
    });

    /// <summary>POST /api/runs/{id}/cancel: no new chunks start; running chunks' kernels are stopped.</summary>
    public Task<IResult> CancelAsync(HttpRequest request, DurableTaskClient client, string id) => ApiProblems.GuardAsync(async () =>
    {
        var state = await FindAsync(client, id, request.HttpContext.RequestAborted);
        if (state.IsCompleted)
            throw new ApiException(409, "Run already ended", $"run {id} already ended ({RunView.StatusOf(state)}); there is nothing to cancel", new Dictionary<string, object?> { ["runStatus"] = RunView.StatusOf(state) });
        var who = request.HttpContext.User.Identity?.Name;
        await _runs.UploadTextAsync(StorageLayout.CancelledBlob(id), System.Text.Json.JsonSerializer.Serialize(new { id, by = who, at = clock.GetUtcNow() }), request.HttpContext.RequestAborted);
        await client.TerminateInstanceAsync(id, new TerminateInstanceOptions { Output = who is null ? "cancelled through the API" : $"cancelled through the API by {who}" }, request.HttpContext.RequestAborted);
        return new LocatedResult(Results.Json(new { id, status = "Cancelling" }, ApiJson.Options, statusCode: 202), $"/api/runs/{id}");
    });

    /// <summary>POST /api/runs/{id}/repair: a new run of only the failed chunks of a finished run, linked to it.</summary>
    public Task<IResult> RepairAsync(HttpRequest request, DurableTaskClient client, string id) => ApiProblems.GuardAsync(async () =>
    {
        var state = await FindAsync(client, id, request.HttpContext.RequestAborted);
        var result = RunView.Output(state);
        var original = RunView.Input(state);
        if (!state.IsCompleted || original is null)
            throw new ApiException(409, "Run not finished", $"run {id} is {RunView.StatusOf(state)}; only a finished run can be repaired");
        if (result is null || result.FailedChunks.Count == 0)
        {
            var why = result is null ? "it ended without a result (cancelled or failed before planning)" : "none of its chunks failed";
            throw new ApiException(409, "Nothing to repair", $"run {id} cannot be repaired: {why}");
        }

        var repair = original with { RepairOf = id, OnlyChunks = result.FailedChunks.Select(c => c.Index).Order().ToList() };
        try
        {
            // Checked now as well as when planned: a changed input is a refusal the caller should see at once.
            await Orchestration.Activities.RepairPlans.PlanAsync(blobs, id, repair.OnlyChunks);
        }
        catch (Core.Chunks.ChunkPlanningException e)
        {
            throw new ApiException(409, "Cannot repair", e.Message, new Dictionary<string, object?> { ["field"] = "input" });
        }

        var started = await _starter.StartOnceAsync(client, repair, RunIds.ForRepair(id), request.HttpContext.RequestAborted);
        return Accepted(started);
    });

    /// <summary>GET /api/runs/{id}/chunks/{index}/notebook: the executed notebook of one chunk (error annotated if it failed).</summary>
    public Task<IResult> ChunkNotebookAsync(HttpRequest request, string id, int index) => ApiProblems.GuardAsync(async () =>
    {
        var blob = StorageLayout.ChunkNotebookBlob(id, index);
        var text = await _runs.DownloadTextAsync(blob, request.HttpContext.RequestAborted)
            ?? throw ApiException.NotFound($"run {id} has no executed notebook for chunk {index} ({StorageLayout.RunsContainer}/{blob}): the run or chunk does not exist, or the chunk has not run yet");
        return Results.Text(text, "application/x-ipynb+json", System.Text.Encoding.UTF8);
    });

    /// <summary>
    /// Chunks of a run still going, from its stored plan and the executed notebooks stored so far (the manifest, with
    /// every chunk's outcome, exists once the run ends).
    /// </summary>
    private async Task<JsonArray?> ChunksInFlightAsync(string id, CancellationToken cancellationToken)
    {
        var planText = await _runs.DownloadTextAsync(StorageLayout.PlanBlob(id), cancellationToken);
        if (planText is null) return null;
        var plan = System.Text.Json.JsonSerializer.Deserialize<ChunkPlan>(planText)!;
        var stored = (await _runs.ListAsync($"{id}/chunks/", cancellationToken)).ToHashSet(StringComparer.Ordinal);
        return new JsonArray(plan.Chunks.Select(c => (JsonNode)new JsonObject
        {
            ["index"] = c.Index,
            ["blob"] = $"{c.Container}/{c.Blob}",
            ["offset"] = c.Offset,
            ["length"] = c.Length,
            ["state"] = stored.Contains(StorageLayout.ChunkNotebookBlob(id, c.Index)) ? "executed" : "waiting or running",
            ["notebook"] = $"/api/runs/{id}/chunks/{c.Index}/notebook",
        }).ToArray());
    }

    private static IResult Accepted(StartedRun started)
    {
        var id = started.RunId;
        var body = new
        {
            id,
            started = started.Started,
            notebook = started.Request.Notebook,
            version = started.Request.Version,
            repairOf = started.Request.RepairOf,
            chunks = started.Request.OnlyChunks,
            links = new { status = $"/api/runs/{id}", cancel = $"/api/runs/{id}/cancel" },
        };
        return new LocatedResult(Results.Json(body, ApiJson.Options, statusCode: 202), $"/api/runs/{id}");
    }

    private static async Task<OrchestrationMetadata> FindAsync(DurableTaskClient client, string id, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken)
            ?? throw ApiException.NotFound($"no run with id '{id}'");

    private int ParseTop(string? text)
    {
        if (text is null) return Math.Min(50, options.MaxPageSize);
        if (!int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var top) || top < 1 || top > options.MaxPageSize)
            throw ApiException.BadRequest($"'top' must be a number from 1 to {options.MaxPageSize}", "top");
        return top;
    }

    private static IEnumerable<OrchestrationRuntimeStatus>? RuntimeStatusesFor(string? status) => status?.ToLowerInvariant() switch
    {
        null => null,
        "pending" => [OrchestrationRuntimeStatus.Pending],
        "running" => [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended],
        "completed" or "completedwithfailures" => [OrchestrationRuntimeStatus.Completed],
        "failed" => [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed],
        "cancelled" => [OrchestrationRuntimeStatus.Terminated],
        _ => throw ApiException.BadRequest($"'status' is '{status}'; use Pending, Running, Completed, CompletedWithFailures, Failed or Cancelled", "status"),
    };
}
