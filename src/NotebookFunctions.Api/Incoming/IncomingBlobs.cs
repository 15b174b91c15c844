using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api.Incoming;

/// <summary>What became of an arrived blob: the run it started (or found), or where it was moved and why.</summary>
public sealed record IncomingOutcome(string Blob, string? RunId, bool Started, string? RejectedTo, string? Reason);

/// <summary>
/// A blob landing at incoming/{notebook}/{name} runs the latest published version of {notebook} over that blob, with
/// the notebook's default chunking (its metadata.notebook_functions: chunk_size, mode, max_parallel_chunks). The run
/// id comes from the blob's name and ETag, so a trigger delivered twice starts one run; a blob that cannot be run is
/// moved to incoming-rejected/ with a .reason.txt beside it, never dropped.
/// </summary>
public sealed class IncomingBlobs(BlobServiceClient blobs, Core.Secrets.ISecretSource? secrets = null, string container = IncomingBlobs.Container, IRunJournal? journal = null, string? taskHub = null)
{
    /// <summary>The container watched by default (the Functions blob trigger's binding).</summary>
    public const string Container = "incoming";
    public const string RejectedContainer = "incoming-rejected";

    /// <summary>The container this handler's blobs arrive in.</summary>
    public string WatchedContainer => container;
    private readonly NotebookStore _notebooks = new(blobs);

    public async Task<IncomingOutcome> HandleAsync(DurableTaskClient client, string blobName, CancellationToken cancellationToken)
    {
        var blob = blobs.GetBlobContainerClient(container).GetBlobClient(blobName);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already moved away (a redelivery after a rejection): nothing left to do.
            return new IncomingOutcome(blobName, null, false, null, "the blob is gone");
        }

        var slash = blobName.IndexOf('/', StringComparison.Ordinal);
        var notebook = slash > 0 ? blobName[..slash] : null;
        if (notebook is null || slash == blobName.Length - 1)
            return await RejectAsync(blob, $"blob '{container}/{blobName}' is not under a notebook's folder: upload to {container}/{{notebook}}/{{file}}", cancellationToken);

        if (NotebookStore.NameProblem(notebook) is not null)
            return await RejectAsync(blob, $"'{notebook}' is not a notebook name", cancellationToken);

        var runId = RunIds.ForBlob(notebook, blobName, properties.ETag.ToString());
        if (await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken) is not null)
            return new IncomingOutcome(blobName, runId, false, null, null);

        var latest = await _notebooks.LatestAsync(notebook, cancellationToken);
        if (latest is null && await NotebookStore.Pipelines(blobs).LatestAsync(notebook, cancellationToken) is not null)
            return await StartPipelineAsync(client, blob, notebook, runId, cancellationToken);
        if (latest is null)
            return await RejectAsync(blob, $"no notebook or pipeline named '{notebook}' has been published; publish it, then upload the blob again", cancellationToken);

        var defaults = await DefaultsAsync(notebook, latest.Version, cancellationToken);
        var submission = new RunSubmission
        {
            Notebook = notebook,
            Version = latest.Version,
            Input = new InputSubmission { Container = container, Prefix = blobName, Mode = defaults?["mode"]?.GetValue<string>(), ChunkSize = defaults?["chunk_size"]?.ToString(), ExactBlob = true },
            MaxParallelChunks = defaults?["max_parallel_chunks"]?.GetValue<int>(),
        };
        try
        {
            var started = await Runs(client).StartAsync(submission, RunIdChoice.Exactly(runId), cancellationToken);
            return new IncomingOutcome(blobName, runId, started.Started, null, null);
        }
        catch (Exception e) when (RunRefusalException.From(e) is { Title: RunService.RunIdTaken } taken)
        {
            return AlreadyRun(blobName, runId, taken);
        }
        catch (Exception e) when (RunRefusalException.From(e) is { } refusal)
        {
            return await RejectAsync(blob, $"notebook '{notebook}' cannot run over this blob: {refusal.Message}", cancellationToken);
        }
    }

    /// <summary>
    /// A blob arriving under a pipeline's folder starts the pipeline's latest version, handing it the blob through the
    /// pipeline parameters input_container and input_blob (its steps read "${input_blob}"); a pipeline that declares
    /// no input_blob parameter cannot be told what arrived, and the blob is rejected.
    /// </summary>
    private async Task<IncomingOutcome> StartPipelineAsync(DurableTaskClient client, BlobClient blob, string pipeline, string runId, CancellationToken cancellationToken)
    {
        var runs = Runs(client);
        try
        {
            var (_, definition) = await runs.GetPipelineAsync(pipeline, null, cancellationToken);
            var declared = Orchestration.Pipelines.PipelineReader.Read(definition).Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            if (!declared.Contains(PipelineInputBlob))
                return await RejectAsync(blob, $"pipeline '{pipeline}' declares no '{PipelineInputBlob}' parameter, so it cannot be told which blob arrived; declare it (and '{PipelineInputContainer}') and read \"${{{PipelineInputBlob}}}\" in a step's input", cancellationToken);
            var parameters = new JsonObject { [PipelineInputBlob] = blob.Name };
            if (declared.Contains(PipelineInputContainer)) parameters[PipelineInputContainer] = container;
            var started = await runs.StartPipelineAsync(new Orchestration.Pipelines.PipelineSubmission { Pipeline = pipeline, Parameters = parameters }, RunIdChoice.Exactly(runId), cancellationToken);
            return new IncomingOutcome(blob.Name, runId, started.Started, null, null);
        }
        catch (Exception e) when (RunRefusalException.From(e) is { Title: RunService.RunIdTaken } taken)
        {
            return AlreadyRun(blob.Name, runId, taken);
        }
        catch (Exception e) when (RunRefusalException.From(e) is { } refusal)
        {
            return await RejectAsync(blob, $"pipeline '{pipeline}' cannot run over this blob: {refusal.Message}", cancellationToken);
        }
    }

    /// <summary>
    /// This blob, at this version, was made a run already (or claimed for one) by a host on another task hub sharing the
    /// storage (its run id is the blob's): not run again over that run's records, and not rejected either; it stays
    /// where it is.
    /// </summary>
    private RunService Runs(DurableTaskClient client) => new(blobs, client, secrets, journal: journal, taskHub: taskHub);

    private static IncomingOutcome AlreadyRun(string blobName, string runId, RunRefusalException taken) =>
        new(blobName, runId, false, null, $"run {runId} is not this task hub's ({taken.Message})");

    /// <summary>The pipeline parameters a blob arrival sets: the blob's container and its name.</summary>
    public const string PipelineInputContainer = "input_container";

    public const string PipelineInputBlob = "input_blob";

    private async Task<JsonObject?> DefaultsAsync(string notebook, string version, CancellationToken cancellationToken)
    {
        var bytes = await _notebooks.GetAsync(notebook, version, cancellationToken);
        if (bytes is null) return null;
        return JsonNode.Parse(bytes)?["metadata"]?["notebook_functions"] as JsonObject;
    }

    /// <summary>Copies the blob to incoming-rejected/ with a reason beside it, then deletes the original (in that order: never lost).</summary>
    private async Task<IncomingOutcome> RejectAsync(BlobClient blob, string reason, CancellationToken cancellationToken)
    {
        var rejected = blobs.GetBlobContainerClient(RejectedContainer);
        await rejected.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var target = rejected.GetBlobClient(blob.Name);
        await using (var source = await blob.OpenReadAsync(cancellationToken: cancellationToken))
            await target.UploadAsync(source, overwrite: true, cancellationToken);
        await rejected.GetBlobClient(blob.Name + ".reason.txt").UploadAsync(BinaryData.FromString(reason + "\n"), overwrite: true, cancellationToken);
        await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        return new IncomingOutcome(blob.Name, null, false, $"{RejectedContainer}/{blob.Name}", reason);
    }
}
