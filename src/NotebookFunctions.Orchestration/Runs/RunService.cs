using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Activities;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// The run lifecycle, in one place that no host owns: validate, start once, get, list, cancel, repair, and what
/// resume and results need. The HTTP API, schedules, blob arrivals and nbf all call this; each maps its
/// <see cref="RunRefusalException"/>s to its own answer (a problem document, an exit code and one line).
/// </summary>
/// <remarks>taskHub: the task hub the client works on, named in the claims of the runs started here, so that another hub
/// sharing the storage never takes them over (see <see cref="RunClaims"/>).</remarks>
public sealed partial class RunService(BlobServiceClient blobs, DurableTaskClient client, ISecretSource? secrets = null, TimeProvider? clock = null, IRunJournal? journal = null, string? taskHub = null)
{
    private readonly RunValidator _validator = new(blobs, secrets);
    private readonly RunClaims _claims = new(blobs, taskHub: taskHub);
    private readonly RunStore _runs = new(blobs);
    private readonly RunIndex _index = new(blobs, clock);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>How old a journal entry must be before recovery acts on it: a start takes milliseconds from entry to schedule.</summary>
    public static readonly TimeSpan JournalSettle = TimeSpan.FromSeconds(5);

    /// <summary>Checks a submission whole (see <see cref="RunValidator"/>) without starting anything.</summary>
    public Task<RunRequest> ValidateAsync(RunSubmission submission, CancellationToken cancellationToken) =>
        _validator.ValidateAsync(submission, cancellationToken);

    /// <summary>
    /// Starts a run at most once under the chosen id. A run that already exists under a deterministic id (a retried
    /// key, a schedule occurrence ticked twice, a redelivered blob) is returned as found, without reading the notebook.
    /// </summary>
    public async Task<StartedRun> StartAsync(RunSubmission submission, RunIdChoice idChoice, CancellationToken cancellationToken)
    {
        var notebook = RunValidator.CheckNotebookName(submission.Notebook);
        var runId = idChoice.For(notebook, _clock.GetUtcNow());
        if (idChoice != RunIdChoice.Fresh && await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken) is { } existing)
        {
            // A pipeline of the same name took this id (same key): not the run asked for.
            if (RunViewBuilder.IsPipeline(existing)) throw TakenByOtherKind(runId, "a pipeline run");
            var earlier = RunViewBuilder.Input(existing);
            if (idChoice.IdempotencyKey is not null && earlier is not null && RunRequestDifferences.Between(earlier, RunValidator.Shape(submission)) is { Count: > 0 } differ)
            {
                throw RunRefusalException.Conflict(
                    "Idempotency key reused",
                    $"the idempotency key already started run {runId} with a different request ({string.Join(", ", differ)} differ); send the same request to find that run, or a new key for a new run",
                    new Dictionary<string, object?> { ["fields"] = differ, ["runId"] = runId });
            }

            return Started(runId, earlier, started: false);
        }
        var request = await _validator.ValidateAsync(submission, cancellationToken);
        return await StartOnceAsync(new RunStart(request), runId, cancellationToken);
    }

    /// <summary>One run's state, progress, outcome and chunks.</summary>
    public async Task<RunView> GetAsync(string runId, CancellationToken cancellationToken)
    {
        var state = await FindAsync(runId, cancellationToken);
        if (RunViewBuilder.IsPipeline(state)) return RunViewBuilder.Pipeline(state, detail: true);
        var manifest = await _runs.DownloadTextAsync(StorageLayout.ManifestBlob(runId), cancellationToken) is { } text ? JsonNode.Parse(text) as JsonObject : null;
        ChunkPlan? plan = null;
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> stored = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        if (manifest is null && !state.IsCompleted && await StoredPlans.TryLoadAsync(blobs, runId, cancellationToken) is { } planned)
        {
            plan = planned;
            // One listing with metadata tells each chunk's state: started markers and the outcomes on executed notebooks.
            stored = await _runs.ListWithMetadataAsync(StorageLayout.ChunksPrefix(runId), cancellationToken);
        }

        return await WithBatchProgressAsync(state, RunViewBuilder.Detail(state, manifest, plan, stored), cancellationToken);
    }

    /// <summary>
    /// One run's state, progress and outcome without its chunks: what a follower polls. The detail (<see cref="GetAsync"/>)
    /// reads the stored plan and lists every chunk's blobs, work that grows with the run: polled twice a second through
    /// a run of 10,000 chunks, it was most of the host's memory churn and much of the storage's load.
    /// </summary>
    public async Task<RunView> ProgressAsync(string runId, CancellationToken cancellationToken)
    {
        var state = await FindAsync(runId, cancellationToken);
        if (RunViewBuilder.IsPipeline(state)) return RunViewBuilder.Pipeline(state, detail: true);
        var result = RunViewBuilder.Output(state);
        return await WithBatchProgressAsync(state, RunViewBuilder.Summary(state, RunViewBuilder.Input(state), result) with { Result = result }, cancellationToken);
    }

    /// <summary>A batched run's progress, with the chunks of the batches in flight (their own progress) counted in.</summary>
    private async Task<RunView> WithBatchProgressAsync(OrchestrationMetadata state, RunView view, CancellationToken cancellationToken) =>
        view.Progress is { Batches.Count: > 0 } progress && !state.IsCompleted
            ? view with { Progress = await BatchProgress.WithBatchesAsync(client, progress, cancellationToken) }
            : view;

    /// <summary>The latest run of a notebook or pipeline as a summary, or null when it never ran (or its run is gone).</summary>
    public async Task<RunView?> LatestAsync(bool pipeline, string name, CancellationToken cancellationToken)
    {
        return await _index.LatestAsync(pipeline, name, cancellationToken) is { } runId ? await SummaryAsync(runId, cancellationToken) : null;
    }

    private async Task<RunView?> SummaryAsync(string runId, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken) is not { } state ? null
        : RunViewBuilder.IsPipeline(state) ? RunViewBuilder.Pipeline(state, detail: false)
        : RunViewBuilder.Summary(state, RunViewBuilder.Input(state), RunViewBuilder.Output(state));

    /// <summary>A page of runs, newest first (from the run index), filtered by notebook or pipeline (exactly) and status.</summary>
    public async Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken)
    {
        if (query.Notebook is not null) RunValidator.CheckNotebookName(query.Notebook);
        if (query.Pipeline is not null && NotebookStore.NameProblem(query.Pipeline) is { } problem) throw RunRefusalException.Invalid(problem.Replace("notebook name", "pipeline name", StringComparison.Ordinal), "pipeline");
        if (query.Notebook is not null && query.Pipeline is not null) throw RunRefusalException.Invalid("a run is of a notebook or of a pipeline: filter by one of 'notebook' and 'pipeline'", "pipeline");
        if (query.Top is < 1 or > 1000) throw RunRefusalException.Invalid("'top' must be a number from 1 to 1000", "top");
        var backendToken = PageTokens.Unwrap(query);
        // Checked before either way of listing: an unknown status is refused, not matched against nothing.
        var statuses = RuntimeStatusesFor(query.Status);
        // A page of the index says so in its token ("i:" and the index's marker); the task hub's own tokens never start so.
        if ((backendToken is null || backendToken.StartsWith(IndexToken, StringComparison.Ordinal))
            && await ListIndexedAsync(query, backendToken?[IndexToken.Length..], cancellationToken) is { } indexed)
            return indexed;
        var durableQuery = new OrchestrationQuery
        {
            // No id prefix for a notebook: ids chosen by a caller (nbf run --run-id) need not start with its name.
            PageSize = query.Top,
            FetchInputsAndOutputs = true,
            ContinuationToken = backendToken,
            Statuses = statuses,
        };
        var runs = new List<RunView>();
        string? next = null;
        await foreach (var page in client.GetAllInstancesAsync(durableQuery).AsPages(backendToken, query.Top).WithCancellation(cancellationToken))
        {
            foreach (var state in page.Values)
            {
                // A pipeline's steps are shown within its run, not as runs of their own.
                if (Pipelines.PipelineOrchestrator.IsStepInstance(state.InstanceId)) continue;
                var request = RunViewBuilder.Input(state);
                if (query.Notebook is not null && request?.Notebook != query.Notebook) continue;
                if (query.Pipeline is not null && RunViewBuilder.PipelineInput(state)?.Pipeline != query.Pipeline) continue;
                var summary = RunViewBuilder.IsPipeline(state) ? RunViewBuilder.Pipeline(state, detail: false) : RunViewBuilder.Summary(state, request, RunViewBuilder.Output(state));
                if (query.Status is not null && !string.Equals(summary.Status, query.Status, StringComparison.OrdinalIgnoreCase)) continue;
                runs.Add(summary);
            }

            next = page.ContinuationToken;
            break;
        }

        return new RunPage(runs, PageTokens.Wrap(next, query));
    }

    /// <summary>
    /// Runs from the run index (of one notebook or pipeline, or all), newest first, a page of the index at a time;
    /// null when the index holds none (runs started before the index existed are found by scanning the task hub).
    /// </summary>
    private async Task<RunPage?> ListIndexedAsync(RunQuery query, string? marker, CancellationToken cancellationToken)
    {
        var page = (query.Notebook ?? query.Pipeline) is { } name
            ? await _index.PageAsync(query.Pipeline is not null, name, query.Top, marker, cancellationToken)
            : await _index.PageAllAsync(query.Top, marker, cancellationToken);
        if (page.RunIds.Count == 0 && string.IsNullOrEmpty(marker)) return null;
        var summaries = await Task.WhenAll(page.RunIds.Select(id => SummaryAsync(id, cancellationToken)));
        var runs = summaries.OfType<RunView>()
            .Where(r => query.Status is null || string.Equals(r.Status, query.Status, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return new RunPage(runs, PageTokens.Wrap(page.Next is null ? null : IndexToken + page.Next, query));
    }

    private const string IndexToken = "i:";

    /// <summary>
    /// Cancels a run: a cancellation marker first (activities on hosts without a task hub client watch for it), then the
    /// orchestration is terminated; chunks in flight see either and stop their kernels within seconds.
    /// </summary>
    public async Task<RunView> CancelAsync(string runId, string? by, CancellationToken cancellationToken)
    {
        var state = await FindAsync(runId, cancellationToken);
        if (state.IsCompleted)
        {
            var status = RunViewBuilder.StatusOf(state, RunViewBuilder.Output(state));
            throw RunRefusalException.Conflict("Run already ended", $"run {runId} already ended ({status}); there is nothing to cancel", new Dictionary<string, object?> { ["runStatus"] = status });
        }

        var reason = by is null ? "cancelled" : $"cancelled by {by}";
        await _runs.UploadTextAsync(StorageLayout.CancelledBlob(runId), JsonSerializer.Serialize(new { id = runId, by, at = _clock.GetUtcNow() }), cancellationToken);
        // Recursive: a pipeline's step runs end with it.
        await client.TerminateInstanceAsync(runId, new TerminateInstanceOptions { Output = reason, Recursive = true }, cancellationToken);
        var view = RunViewBuilder.IsPipeline(state) ? RunViewBuilder.Pipeline(state, detail: false) : RunViewBuilder.Summary(state, RunViewBuilder.Input(state), null);
        return view with { Status = "Cancelling", Links = RunViewBuilder.Links(runId, detail: true) };
    }

    /// <summary>
    /// A new run ({id}-repair) of the chunks of a finished run that did not succeed, on its plan, refused if an input
    /// changed; it keeps the chunks that succeeded, so its merged results and its reduce cover the whole input.
    /// A run whose chunks all succeeded but whose reduce failed is repaired by running the reduce again.
    /// </summary>
    public async Task<StartedRun> RepairAsync(string runId, CancellationToken cancellationToken)
    {
        var state = await FindAsync(runId, cancellationToken);
        if (RunViewBuilder.IsPipeline(state)) return await RepairPipelineAsync(state, cancellationToken);
        var result = RunViewBuilder.Output(state);
        var original = RunViewBuilder.Input(state);
        if (!state.IsCompleted || original is null)
            throw RunRefusalException.Conflict("Run not finished", $"run {runId} is {RunViewBuilder.StatusOf(state, result)}; only a finished run can be repaired");
        if (result is null || (result.ChunkCount == 0 && result.Error is not null))
        {
            var why = result is null ? "it ended without a result (cancelled or failed before planning)" : $"it failed before any chunk ran ({result.Error}); start a new run instead";
            throw RunRefusalException.Conflict("Nothing to repair", $"run {runId} cannot be repaired: {why}");
        }

        // Failed chunks and the ones a fail-fast run never started: a repair ends with every chunk of the input done.
        var rerun = await RepairPlans.UnfinishedChunksAsync(blobs, runId, cancellationToken);
        if (rerun.Count == 0 && result.Reduce is not { Succeeded: false })
            throw RunRefusalException.Conflict("Nothing to repair", $"run {runId} cannot be repaired: none of its chunks failed{(result.Reduce is null ? string.Empty : " and its reduce succeeded")}");

        var repairId = RunIds.ForRepair(runId);
        if (RunIds.Problem(repairId) is not null)
            throw RunRefusalException.Conflict("Cannot repair", $"run {runId} cannot be repaired: its repair's id '{repairId}' would be over 200 characters; start a new run instead");
        var repair = original with { RepairOf = runId, OnlyChunks = rerun };
        try
        {
            // Checked now as well as when planned: a changed input is a refusal the caller should see at once.
            await RepairPlans.PlanAsync(blobs, runId, repair.OnlyChunks);
        }
        catch (ChunkPlanningException e)
        {
            throw new RunRefusalException(RunRefusalKind.Conflict, "Cannot repair", e.Message, "input");
        }

        return await StartOnceAsync(new RunStart(repair), repairId, cancellationToken);
    }

    /// <summary>Ids of the runs still pending or running: what a restarted local host resumes.</summary>
    public async Task<List<string>> InFlightAsync(CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending], FetchInputsAndOutputs = false };
        var ids = new List<string>();
        await foreach (var run in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (!Pipelines.PipelineOrchestrator.IsStepInstance(run.InstanceId)) ids.Add(run.InstanceId);
        }
        return ids;
    }

    /// <summary>
    /// Why a run in flight cannot finish as planned, said before it is resumed: a local input file it reads in place
    /// changed since it was planned (its chunks that have not run will each fail naming the file). Null when nothing
    /// is known to stand in its way.
    /// </summary>
    public async Task<string?> ResumeProblemAsync(string runId, CancellationToken cancellationToken) =>
        await StoredPlans.ChangedLocalInputAsync(blobs, runId, cancellationToken) is { } changed
            ? $"its chunks that have not run yet will fail: {changed}"
            : null;

    /// <summary>
    /// The kernel environment a run recorded in its manifest (language version and installed packages), read when the
    /// run has ended; a run still going, or one that never started a kernel, is refused saying so.
    /// </summary>
    public async Task<JsonObject> EnvironmentAsync(string runId, CancellationToken cancellationToken)
    {
        await FindAsync(runId, cancellationToken);
        var text = await _runs.DownloadTextAsync(StorageLayout.ManifestBlob(runId), cancellationToken)
            ?? throw RunRefusalException.Conflict("Not ended", $"run '{runId}' has no manifest yet: its environment is recorded when it ends");
        return JsonNode.Parse(text)?["environment"] as JsonObject
            ?? throw RunRefusalException.Conflict("No environment", $"run '{runId}' recorded no environment (no chunk started a kernel)");
    }

    /// <summary>The files of a run a caller may download (merged results, manifest, executed chunk notebooks), paths relative to the run.</summary>
    public async Task<List<RunFile>> FilesAsync(string runId, CancellationToken cancellationToken)
    {
        await FindAsync(runId, cancellationToken);
        var prefix = runId + "/";
        return (await _runs.ListWithSizesAsync(prefix, cancellationToken))
            .Select(b => new RunFile(b.Name[prefix.Length..], b.Size))
            .Where(f => RunFiles.IsShared(f.Path))
            .ToList();
    }

    /// <summary>One of <see cref="FilesAsync"/>'s files, streamed from storage as it is read; the caller disposes it.</summary>
    public async Task<Stream> OpenFileAsync(string runId, string path, CancellationToken cancellationToken)
    {
        await FindAsync(runId, cancellationToken);
        if (!RunFiles.IsShared(path)) throw RunRefusalException.NotFound($"run {runId} has no file '{path}' to download (results/..., reduce/..., manifest.json, chunks/N/output.ipynb)", "path");
        return await _runs.OpenReadIfExistsAsync($"{runId}/{path}", cancellationToken)
            ?? throw RunRefusalException.NotFound($"run {runId} has no file '{path}'", "path");
    }

    /// <summary>The executed notebook of one chunk, failing cell annotated.</summary>
    public async Task<string> ChunkNotebookAsync(string runId, int index, CancellationToken cancellationToken)
    {
        if (RunIds.Problem(runId) is { } problem) throw RunRefusalException.Invalid(problem, "id");
        var blob = StorageLayout.ChunkNotebookBlob(runId, index);
        return await _runs.DownloadTextAsync(blob, cancellationToken)
            ?? throw RunRefusalException.NotFound($"run {runId} has no executed notebook for chunk {index} ({StorageLayout.RunsContainer}/{blob}): the run or chunk does not exist, or the chunk has not run yet", "index");
    }

    /// <summary>The executed reduce notebook of a run, failing cell annotated.</summary>
    public async Task<string> ReduceNotebookAsync(string runId, CancellationToken cancellationToken)
    {
        if (RunIds.Problem(runId) is { } problem) throw RunRefusalException.Invalid(problem, "id");
        var blob = StorageLayout.ReduceNotebookBlob(runId);
        return await _runs.DownloadTextAsync(blob, cancellationToken)
            ?? throw RunRefusalException.NotFound($"run {runId} has no executed reduce notebook ({StorageLayout.RunsContainer}/{blob}): the run does not exist, names no reduce, or has not reduced yet", "id");
    }

    /// <summary>The refusal's title when a run id's records are in storage but not in this task hub.</summary>
    public const string RunIdTaken = "Run id taken";

    /// <summary>
    /// A run id this task hub does not hold, but whose records are in storage (runs/{id}/ holds more than a claim):
    /// another task hub's run (another NBF_TASK_HUB, a second host on the same account) or one removed from this hub.
    /// Starting it would overwrite a finished run's manifest and results; the id is refused instead. (A claim alone is
    /// a starter that died before scheduling, which <see cref="RunClaims"/> lets a later caller take over.)
    /// </summary>
    /// <returns>True when the run turned out to be in this hub after all (started by a concurrent caller): found, not started.</returns>
    /// <exception cref="RunRefusalException">The id's records exist and this hub does not hold the run (title <see cref="RunIdTaken"/>).</exception>
    private async Task<bool> RefuseIdWithRecordsAsync(string runId, CancellationToken cancellationToken)
    {
        var found = await _runs.ListFirstAsync(runId + "/", 2, cancellationToken);
        if (found.FirstOrDefault(name => name != StorageLayout.ClaimBlob(runId)) is not { } record) return false;
        // Another caller on this hub may have scheduled it since this one looked, and its plan written those records.
        if (await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken) is not null) return true;
        throw RunRefusalException.Conflict(
            RunIdTaken,
            $"run id '{runId}' is taken: {StorageLayout.RunsContainer}/{runId}/ holds the records of a run this task hub does not hold (another task hub's, or one removed from it), such as {StorageLayout.RunsContainer}/{record}; they are kept: choose another run id",
            new Dictionary<string, object?> { ["runId"] = runId });
    }

    /// <summary>
    /// Starts the run under <paramref name="runId"/> unless a run with that id exists or another caller is starting it.
    /// Backends differ on what scheduling an existing id does, so the guarantee does not rest on them: the caller that
    /// creates the run's claim blob (a conditional create, atomic in blob storage) is the only one that schedules.
    /// </summary>
    private async Task<StartedRun> StartOnceAsync(RunStart start, string runId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken) is not null) return Started(runId, start, started: false);
        if (await RefuseIdWithRecordsAsync(runId, cancellationToken)) return Started(runId, start, started: false);
        var claim = await _claims.TryClaimAsync(runId, async () => await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken) is not null, cancellationToken);
        if (claim.OtherTaskHub is { } other)
        {
            throw RunRefusalException.Conflict(
                RunIdTaken,
                $"run id '{runId}' is taken: task hub '{other}' claimed it at {claim.ClaimedAt:u} ({StorageLayout.RunsContainer}/{StorageLayout.ClaimBlob(runId)}) and its run may still be waiting to start there; this task hub ('{taskHub}') does not hold it and leaves it alone: choose another run id",
                new Dictionary<string, object?> { ["runId"] = runId, ["taskHub"] = other });
        }

        if (!claim.Won) return Started(runId, start, started: false);
        if (journal is not null) await journal.RecordAsync(runId, start, cancellationToken);
        // Indexed before it is scheduled, so no run is ever missing from its notebook's list; a run the index names
        // but the task hub does not hold (its start failed) is skipped when listed.
        await _index.RecordAsync(runId, start, cancellationToken);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(start.Orchestrator, start.Input, new StartOrchestrationOptions(runId), cancellationToken);
        }
        catch when (journal is not null)
        {
            // The caller hears that the start failed: recovery must not start it behind their back.
            await journal.ForgetAsync(runId, CancellationToken.None);
            throw;
        }

        return Started(runId, start, started: true);
    }

    /// <summary>
    /// Starts again every journaled run the task hub does not hold and that never finished (storage lost it after it
    /// was accepted), and forgets the entries of runs the hub holds. Entries younger than <paramref name="settle"/> are
    /// left alone: their start may still be under way in another process. Returns the ids started again.
    /// </summary>
    public async Task<List<string>> RecoverAsync(TimeSpan settle, CancellationToken cancellationToken)
    {
        var recovered = new List<string>();
        if (journal is null) return recovered;
        foreach (var entry in await journal.EntriesAsync(cancellationToken))
        {
            if (await client.GetInstanceAsync(entry.RunId, getInputsAndOutputs: false, cancellationToken) is not null
                || await _runs.DownloadTextAsync(StorageLayout.ManifestBlob(entry.RunId), cancellationToken) is not null)
            {
                await journal.ForgetAsync(entry.RunId, cancellationToken);
                continue;
            }

            if (_clock.GetUtcNow() - entry.At < settle) continue;
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(entry.Start.Orchestrator, entry.Start.Input, new StartOrchestrationOptions(entry.RunId), cancellationToken);
                recovered.Add(entry.RunId);
            }
            catch (Exception e) when (e is InvalidOperationException || e.GetType().Name == "RpcException")
            {
                // Scheduled meanwhile by another host: the hub holds it now.
            }
        }

        return recovered;
    }

    private static StartedRun Started(string runId, RunRequest? request, bool started) => Started(runId, new RunStart(request), started);

    private static StartedRun Started(string runId, RunStart start, bool started) => new()
    {
        Id = runId,
        Started = started,
        Notebook = start.Run?.Notebook,
        Pipeline = start.Pipeline?.Pipeline,
        Version = start.Run?.Version ?? start.Pipeline?.Version,
        RepairOf = start.Run?.RepairOf ?? start.Pipeline?.RepairOf,
        Chunks = start.Run?.OnlyChunks,
        Links = new RunLinks { Self = $"/api/runs/{runId}", Cancel = $"/api/runs/{runId}/cancel" },
    };

    /// <summary>An id chosen by key or schedule that a run of the other kind (notebook or pipeline of the same name) holds.</summary>
    private static RunRefusalException TakenByOtherKind(string runId, string what) => RunRefusalException.Conflict(
        "Run id taken",
        $"run id '{runId}' already belongs to {what} (a notebook and a pipeline share the name); use another idempotency key",
        new Dictionary<string, object?> { ["runId"] = runId });

    private async Task<OrchestrationMetadata> FindAsync(string runId, CancellationToken cancellationToken)
    {
        if (RunIds.Problem(runId) is { } problem) throw RunRefusalException.Invalid(problem, "id");
        return await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken)
            ?? throw RunRefusalException.NotFound($"no run with id '{runId}'", "id");
    }

    private static IEnumerable<OrchestrationRuntimeStatus>? RuntimeStatusesFor(string? status) => status?.ToLowerInvariant() switch
    {
        null => null,
        "pending" => [OrchestrationRuntimeStatus.Pending],
        "running" => [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended],
        "completed" or "completedwithfailures" => [OrchestrationRuntimeStatus.Completed],
        "failed" => [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed],
        "cancelled" => [OrchestrationRuntimeStatus.Terminated],
        _ => throw RunRefusalException.Invalid($"'status' is '{status}'; use Pending, Running, Completed, CompletedWithFailures, Failed or Cancelled", "status"),
    };
}
