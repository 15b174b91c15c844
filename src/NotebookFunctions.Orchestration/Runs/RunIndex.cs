using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// The runs of each notebook and pipeline, and all runs, newest first: empty blobs named
/// {notebooks|pipelines}/{name}/{inverted ticks}-{run id} and all/{inverted ticks}-{run id}, so a listing by prefix
/// reads them in order of start, newest first, and pages with the blob listing's own marker. The task hub has no
/// index by notebook and lists in instance-id order: without this, "the runs of X" and "X's last run" scan every
/// run there is, and "the latest runs" are wherever their ids sort. Beside them, latest/{kind}/{name} holds the id
/// of the newest run by name.
/// </summary>
public sealed class RunIndex(BlobServiceClient blobs, TimeProvider? clock = null)
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageLayout.RunIndexContainer);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>A page of run ids, newest first, and the marker of the next page (null at the end).</summary>
    public sealed record Page(IReadOnlyList<string> RunIds, string? Next);

    public static string Kind(bool pipeline) => pipeline ? "pipelines" : "notebooks";

    /// <summary>The prefix of every run's entry, whatever it runs.</summary>
    public const string All = "all";

    /// <summary>Records a run of its notebook or pipeline (a repair is a run too), as it starts.</summary>
    public async Task RecordAsync(string runId, RunStart start, CancellationToken cancellationToken)
    {
        var name = start.Pipeline?.Pipeline ?? start.Run!.Notebook;
        var entry = $"{DateTimeOffset.MaxValue.Ticks - _clock.GetUtcNow().Ticks:D19}-{runId}";
        // Written at once (they do not depend on each other): a run's start waits for one round trip, not three.
        // The latest blob is the newest run by name: a point read for the catalog (a prefix listing costs more, and
        // on Azurite it scans the whole container).
        await Task.WhenAll(
            WriteAsync($"{Kind(start.Pipeline is not null)}/{name}/{entry}", BinaryData.Empty, cancellationToken),
            WriteAsync($"{All}/{entry}", BinaryData.Empty, cancellationToken),
            WriteAsync(LatestBlob(start.Pipeline is not null, name), BinaryData.FromString(runId), cancellationToken));
    }

    /// <summary>The id of the newest run of a notebook or pipeline started here, or null when none was.</summary>
    public async Task<string?> LatestAsync(bool pipeline, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _container.GetBlobClient(LatestBlob(pipeline, name)).DownloadContentAsync(cancellationToken)).Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private static string LatestBlob(bool pipeline, string name) => $"latest/{Kind(pipeline)}/{name}";

    private async Task WriteAsync(string name, BinaryData content, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(content, overwrite: true, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await blob.UploadAsync(content, overwrite: true, cancellationToken);
        }
    }

    /// <summary>Up to <paramref name="top"/> run ids of a notebook or pipeline, newest first, from <paramref name="marker"/> on.</summary>
    public Task<Page> PageAsync(bool pipeline, string name, int top, string? marker, CancellationToken cancellationToken) =>
        PageAsync($"{Kind(pipeline)}/{name}/", top, marker, cancellationToken);

    /// <summary>Up to <paramref name="top"/> ids of any runs, newest first, from <paramref name="marker"/> on.</summary>
    public Task<Page> PageAllAsync(int top, string? marker, CancellationToken cancellationToken) =>
        PageAsync($"{All}/", top, marker, cancellationToken);

    private async Task<Page> PageAsync(string prefix, int top, string? marker, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var page in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages(marker, top))
            {
                var ids = page.Values.Select(b => b.Name[(b.Name.LastIndexOf('/') + 1)..]).Where(n => n.Length > 20).Select(n => n[20..]).ToList();
                return new Page(ids, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }

        return new Page([], null);
    }
}
