using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Activities;

/// <summary>Input of <see cref="PlanChunks"/>.</summary>
public sealed record PlanChunksInput(string RunId, RunRequest Request);

/// <summary>
/// Checks everything that can be checked before a kernel starts (the notebook version exists, parameters fit its
/// schema, secrets resolve) and cuts the input into chunks. Any failure here fails the run with a clear message.
/// </summary>
public sealed class PlanChunks(BlobServiceClient blobs, ISecretSource secrets, NotebookExecutor executor, ILogger<PlanChunks> logger, ChunkBatching? batching = null) : TaskActivity<PlanChunksInput, PlannedRun>
{
    public override async Task<PlannedRun> RunAsync(TaskActivityContext context, PlanChunksInput input)
    {
        var request = input.Request;
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = input.RunId, ["Notebook"] = request.Notebook });
        using var span = Telemetry.RunSpans.StartRun(input.RunId, request);
        try
        {
            var plan = await PlanAsync(input, request);
            span?.SetTag(Core.Telemetry.NotebookTelemetry.Attributes.ChunkCount, plan.ChunkCount);
            logger.LogInformation("Run {RunId} of {Notebook} planned: {Chunks} chunk(s)", input.RunId, request.Notebook, plan.Chunks.Count);
            // The batch size travels in the planned run (activity output, in history) so every replay on every worker agrees on it.
            return PlannedRun.Of(plan, (batching ?? ChunkBatching.Default).Size, span?.Id);
        }
        catch (Exception e)
        {
            Core.Telemetry.NotebookTelemetry.RecordFailure(span, e.GetType().Name, e.Message, [new(Core.Telemetry.NotebookTelemetry.Attributes.RunId, input.RunId)]);
            logger.LogError("Run {RunId} of {Notebook} could not be planned: {Error}", input.RunId, request.Notebook, e.Message);
            throw;
        }
    }

    private async Task<ChunkPlan> PlanAsync(PlanChunksInput input, RunRequest request)
    {
        var store = new RunStore(blobs);
        await store.EnsureCreatedAsync();
        var notebook = await PublishedNotebooks.LoadAsync(blobs, request.Notebook, request.Version);
        // Scanned again before every run: a version published before a rule existed must not run with a credential in it.
        var findings = SecretScanner.Scan(notebook);
        if (findings.Count > 0)
            throw new InvalidOperationException($"notebook {request.Notebook}@{request.Version[..Math.Min(12, request.Version.Length)]} holds {findings.Count} hardcoded credential(s) and is not run; first: {findings[0]}");
        var schema = ParameterSchema.Infer(notebook, request.Kernel);
        ParameterValidator.Validate($"{request.Notebook}@{request.Version[..Math.Min(12, request.Version.Length)]}", schema, request.Parameters, ReservedParameters.Names);
        if (request.Reduce is { } reduce)
        {
            var reducer = await PublishedNotebooks.LoadAsync(blobs, reduce.Notebook, reduce.Version);
            var reduceLabel = $"reduce notebook {reduce.Notebook}@{reduce.Version[..Math.Min(12, reduce.Version.Length)]}";
            if (SecretScanner.Scan(reducer) is { Count: > 0 } found)
                throw new InvalidOperationException($"{reduceLabel} holds {found.Count} hardcoded credential(s) and is not run; first: {found[0]}");
            ParameterValidator.Validate(reduceLabel, ParameterSchema.Infer(reducer), reduce.Parameters, ReservedParameters.ReduceNames);
        }

        await SecretResolver.ResolveAsync(secrets, request.Secrets, CancellationToken.None);
        // The packages the notebooks require, checked on a kernel like the chunks' before any chunk runs: a mismatch
        // fails the run at once, listing each package with what is required and what was found.
        await CheckRequirementsAsync($"{request.Notebook}@{request.Version[..Math.Min(12, request.Version.Length)]}", notebook, request.Kernel);
        if (request.Reduce is { } named)
        {
            var reducer = await PublishedNotebooks.LoadAsync(blobs, named.Notebook, named.Version);
            await CheckRequirementsAsync($"reduce notebook {named.Notebook}@{named.Version[..Math.Min(12, named.Version.Length)]}", reducer, null);
        }

        var plan = request.RepairOf is null
            ? new ChunkPlan(await new ChunkPlanner(blobs).PlanAsync(request.Input))
            : await RepairPlans.PlanAsync(blobs, request.RepairOf, request.OnlyChunks ?? []);
        plan = WithinHostMemory(plan, request);
        await PlannedRequests.SaveAsync(blobs, input.RunId, request);
        // The first plan stored is the run's: a repeated PlanChunks (the activity delivered again after a crash) could
        // plan a changed input differently, and the batches and the merge read the stored one.
        if (!await store.TryCreateTextAsync(StorageLayout.PlanBlob(input.RunId), System.Text.Json.JsonSerializer.Serialize(plan)))
            plan = await EndedRuns.LoadPlanAsync(blobs, input.RunId);
        return plan;
    }

    /// <summary>
    /// Asked for more kernels at once than this host's available memory holds at the run's limit: the run keeps to
    /// what fits, and says so. (Each kernel also reserves its limit from the host's budget as it starts.)
    /// </summary>
    private static ChunkPlan WithinHostMemory(ChunkPlan plan, RunRequest request)
    {
        if (request.MemoryLimitMB is not { } limit || Core.Kernels.Memory.HostMemory.AvailableBytes() is not { } available) return plan;
        var asked = Math.Min(request.MaxParallelChunks, Math.Max(1, plan.Chunks.Count));
        var fit = Core.Kernels.Memory.HostMemory.KernelsThatFit((long)limit << 20, available);
        if (fit >= asked) return plan;
        var warning = $"asked for {asked} chunks at once with a {limit} MB memory limit each, but this host has {available >> 20} MB available: running at most {fit} at once";
        return plan with { KernelsAtOnce = fit, Warnings = [.. plan.Warnings, warning] };
    }

    /// <exception cref="InvalidOperationException">The environment does not meet the requirements, or they cannot be checked.</exception>
    private async Task CheckRequirementsAsync(string label, Notebook notebook, string? kernel)
    {
        var requirements = NotebookRequirements.Of(notebook, label);
        if (requirements.Count == 0) return;
        EnvironmentReport report;
        try
        {
            report = await executor.CheckEnvironmentAsync(kernel ?? notebook.KernelName, requirements, CancellationToken.None);
        }
        catch (EnvironmentCheckException e)
        {
            throw new InvalidOperationException($"{label}: its requirements could not be checked: {e.Message}");
        }

        if (!report.Satisfied)
            throw new InvalidOperationException($"{label}: the kernel's environment (python {report.PythonVersion}) does not meet its requirements: {report.Problems}");
    }
}
