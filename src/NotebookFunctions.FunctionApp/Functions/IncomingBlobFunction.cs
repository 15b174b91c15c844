using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Api;
using NotebookFunctions.Api.Incoming;

namespace NotebookFunctions.FunctionApp.Functions;

/// <summary>A blob landing in incoming/{notebook}/... runs that notebook over it (or is set aside with a reason).</summary>
public sealed class IncomingBlobFunction(IncomingBlobs incoming, ILogger<IncomingBlobFunction> logger)
{
    public const string Name = "IncomingBlob";

    [Function(Name)]
    public async Task Arrived(
        // A client, not the content: the blob can be gigabytes, and the run reads it in chunks.
        [BlobTrigger(IncomingBlobs.Container + "/{name}")] Azure.Storage.Blobs.BlobClient blob,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var outcome = await incoming.HandleAsync(client, name, cancellationToken);
        if (outcome.RejectedTo is not null)
            logger.LogWarning("Incoming blob {Blob} rejected to {RejectedTo}: {Reason}", LogText.Quote(name), LogText.Quote(outcome.RejectedTo), LogText.Quote(outcome.Reason));
        else
            logger.LogInformation("Incoming blob {Blob}: run {RunId} {Outcome}", LogText.Quote(name), outcome.RunId, outcome.Started ? "started" : "already started");
    }
}
