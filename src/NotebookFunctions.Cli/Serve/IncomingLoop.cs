using Azure;
using Azure.Storage.Blobs;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Api.Incoming;

namespace NotebookFunctions.Cli.Serve;

/// <summary>
/// The blob trigger's stand-in: looks at the incoming container every few seconds and hands each new blob (name and
/// ETag not seen yet) to the same <see cref="IncomingBlobs"/> handler the Functions blob trigger calls.
/// </summary>
internal static class IncomingLoop
{
    public static async Task RunAsync(BlobServiceClient blobs, IncomingBlobs handler, DurableTaskClient client, TimeSpan interval, Action<string> say, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(handler.WatchedContainer);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellationToken))
                {
                    var key = $"{item.Name}\n{item.Properties.ETag}";
                    if (seen.Contains(key)) continue;
                    var outcome = await handler.HandleAsync(client, item.Name, cancellationToken);
                    // Only a handled blob is remembered: one that failed (storage hiccup) is tried again next scan.
                    seen.Add(key);
                    if (outcome.RejectedTo is not null) say($"incoming {Api.LogText.Quote(item.Name)}: rejected to {Api.LogText.Quote(outcome.RejectedTo)}: {Api.LogText.Quote(outcome.Reason)}");
                    else if (outcome.Started) say($"incoming {Api.LogText.Quote(item.Name)}: started run {outcome.RunId}");
                    else if (outcome.Reason is not null) say($"incoming {Api.LogText.Quote(item.Name)}: not started: {Api.LogText.Quote(outcome.Reason)}");
                }
            }
            catch (RequestFailedException e)
            {
                say($"incoming scan failed: {e.Message}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                say($"incoming scan failed: {e.Message}");
            }

            await Task.Delay(interval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
