using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Pipelines;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>The pipeline part of the run lifecycle: publish a definition checked whole, start a run of it once, repair it.</summary>
public sealed partial class RunService
{
    /// <summary>
    /// Checks a pipeline definition whole (shape, graph, notebooks, every step's parameters) and stores it
    /// content-addressed, as a notebook is: the same definition published again is the same version.
    /// </summary>
    public async Task<PublishedNotebook> PublishPipelineAsync(string name, JsonNode? definition, NotebookSource? source, CancellationToken cancellationToken)
    {
        if (NotebookStore.NameProblem(name) is { } problem) throw RunRefusalException.Invalid(problem.Replace("notebook name", "pipeline name", StringComparison.Ordinal), "name");
        var pipeline = PipelineReader.Read(definition);
        await new PipelineValidator(blobs, secrets).CheckAsync(pipeline, cancellationToken);
        var store = NotebookStore.Pipelines(blobs);
        await store.EnsureCreatedAsync(cancellationToken);
        return await store.PublishAsync(name, Encoding.UTF8.GetBytes(CanonicalJsonWriter.Write(definition) + "\n"), source, cancellationToken, pipeline.Description);
    }

    /// <summary>A published pipeline version (the latest when none is named) and its definition.</summary>
    public Task<(PublishedNotebook Version, JsonObject Definition)> GetPipelineAsync(string name, string? version, CancellationToken cancellationToken) =>
        PublishedPipelines.LoadAsync(blobs, name, version, cancellationToken);

    /// <summary>Every published pipeline, each with its versions oldest first.</summary>
    public Task<SortedDictionary<string, List<PublishedNotebook>>> ListPipelinesAsync(CancellationToken cancellationToken) =>
        NotebookStore.Pipelines(blobs).ListAllAsync(cancellationToken);

    /// <summary>
    /// Starts a run of a published pipeline at most once under the chosen id: every step is resolved and checked first
    /// (a bad parameter in any step is refused before any step starts), then the whole graph is one durable run.
    /// </summary>
    public async Task<StartedRun> StartPipelineAsync(PipelineSubmission submission, RunIdChoice idChoice, CancellationToken cancellationToken)
    {
        var name = submission.Pipeline ?? throw RunRefusalException.Invalid("'pipeline' is required: the name of a published pipeline", "pipeline");
        // Checked first, as a run's are: a refused target costs no storage call.
        var notify = await new PipelineValidator(blobs, secrets).CheckNotifyAsync(submission, cancellationToken);
        var (published, definition) = await GetPipelineAsync(name, submission.Version, cancellationToken);
        var runId = idChoice.For(name, _clock.GetUtcNow());
        if (idChoice != RunIdChoice.Fresh && await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken) is { } existing)
        {
            if (!RunViewBuilder.IsPipeline(existing)) throw TakenByOtherKind(runId, "a notebook run");
            var earlier = RunViewBuilder.PipelineInput(existing);
            if (idChoice.IdempotencyKey is not null && earlier is not null && Differences(earlier, submission) is { Count: > 0 } differ)
            {
                throw RunRefusalException.Conflict(
                    "Idempotency key reused",
                    $"the idempotency key already started pipeline run {runId} with a different request ({string.Join(", ", differ)} differ); send the same request to find that run, or a new key for a new run",
                    new Dictionary<string, object?> { ["fields"] = differ, ["runId"] = runId });
            }

            return Started(runId, new RunStart(Pipeline: earlier), started: false);
        }

        var request = await new PipelineValidator(blobs, secrets).ResolveAsync(name, published.Version, PipelineReader.Read(definition), submission.Parameters, runId, cancellationToken);
        return await StartOnceAsync(new RunStart(Pipeline: request with { Notify = notify }), runId, cancellationToken);
    }

    /// <summary>What a retried submission asks differently from the run its key started: the version it names, the values it gives.</summary>
    private static List<string> Differences(PipelineRequest earlier, PipelineSubmission submission)
    {
        var differ = new List<string>();
        if (submission.Version is { } version && version != earlier.Version) differ.Add("version");
        var notify = Notifications.NotificationRules.Shape(submission.Notify, Notifications.NotificationTargetPolicy.FromEnvironment());
        if (!earlier.Notify.Select(n => n.Identity).SequenceEqual(notify.Select(n => n.Identity), StringComparer.Ordinal)) differ.Add("notify");
        foreach (var (name, value) in submission.Parameters ?? [])
        {
            if (!earlier.Parameters.TryGetPropertyValue(name, out var before) || !JsonNode.DeepEquals(before, value)) differ.Add($"parameters.{name}");
        }

        return differ;
    }

    /// <summary>
    /// A new run ({id}-repair) of a finished pipeline run: the steps that failed or were skipped, and every step that
    /// depends on them, run again; the steps that succeeded are reused from where their records are.
    /// </summary>
    private async Task<StartedRun> RepairPipelineAsync(OrchestrationMetadata state, CancellationToken cancellationToken)
    {
        var runId = state.InstanceId;
        var request = RunViewBuilder.PipelineInput(state);
        var result = RunViewBuilder.PipelineOutput(state);
        if (request is null || result is null)
            throw RunRefusalException.Conflict("Run not finished", $"pipeline run {runId} is {RunViewBuilder.Pipeline(state, detail: false).Status}; only a finished pipeline run can be repaired");
        var broken = result.Steps.Where(s => s.Status is "Failed" or "Skipped" or "CompletedWithFailures").Select(s => s.Name).ToList();
        if (broken.Count == 0) throw RunRefusalException.Conflict("Nothing to repair", $"pipeline run {runId} cannot be repaired: every step succeeded");
        var repairId = RunIds.ForRepair(runId);
        if (RunIds.Problem(repairId) is not null)
            throw RunRefusalException.Conflict("Cannot repair", $"run {runId} cannot be repaired: its repair's id '{repairId}' would be over 200 characters; start a new run instead");

        var rerun = PipelineGraph.WithDependants(request.Steps.Select(s => (s.Name, s.DependsOn)).ToList(), broken);
        // Records move to the repair's run for the steps that run again; inputs that read them follow.
        var moved = request.Steps.Where(s => rerun.Contains(s.Name)).ToDictionary(s => s.Record + "/", s => StorageLayout.StepRecord(repairId, s.Name) + "/", StringComparer.Ordinal);
        string Moved(string prefix) =>
            moved.FirstOrDefault(m => prefix.StartsWith(m.Key, StringComparison.Ordinal)) is { Key: not null } move ? move.Value + prefix[move.Key.Length..] : prefix;
        var steps = request.Steps.Select(step =>
        {
            if (!rerun.Contains(step.Name)) return step with { Reused = true };
            var record = StorageLayout.StepRecord(repairId, step.Name);
            var input = step.Request.Input;
            if (input.Container == StorageLayout.RunsContainer)
                input = input with { Prefix = Moved(input.Prefix), Folders = input.Folders?.Select(f => f with { Prefix = Moved(f.Prefix) }).ToList() };
            return step with { Reused = false, Record = record, Request = step.Request with { Record = record, PipelineRunId = repairId, Input = input } };
        }).ToList();
        return await StartOnceAsync(new RunStart(Pipeline: request with { Steps = steps, RepairOf = runId }), repairId, cancellationToken);
    }
}
