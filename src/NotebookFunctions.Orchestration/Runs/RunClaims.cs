using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>What a claim attempt found: won, held by a starter of this task hub, or held by another task hub.</summary>
/// <param name="Won">This caller holds the claim and must schedule the run.</param>
/// <param name="OtherTaskHub">The task hub the claim names when it is not this one: its run may be waiting to start there.</param>
/// <param name="ClaimedAt">When that claim was written.</param>
public sealed record RunClaim(bool Won, string? OtherTaskHub = null, DateTimeOffset? ClaimedAt = null);

/// <summary>
/// One claim blob per run id (runs/{runId}/claim.json), created with If-None-Match: * so exactly one of any number of
/// racing callers wins. A claim whose winner died before scheduling (no run after a minute) may be taken over, but
/// only by its own task hub: a claim naming another hub is that hub's run, perhaps still queued there (a backlog can
/// last minutes), which this hub cannot see; taking it over would run the id twice over the same records.
/// </summary>
/// <remarks>taskHub: this caller's task hub, written into its claims; null writes claims that name none (as before).</remarks>
public sealed partial class RunClaims(BlobServiceClient blobs, TimeSpan? abandonedAfter = null, string? taskHub = null)
{
    private const int ClaimReadBytes = 4096;

    private readonly TimeSpan _abandoned = abandonedAfter ?? TimeSpan.FromMinutes(1);
    private readonly BlobContainerClient _runs = blobs.GetBlobContainerClient(StorageLayout.RunsContainer);

    public async Task<RunClaim> TryClaimAsync(string runId, Func<Task<bool>> runExists, CancellationToken cancellationToken)
    {
        await _runs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var blob = _runs.GetBlobClient(StorageLayout.ClaimBlob(runId));
        var claim = BinaryData.FromObjectAsJson(new { runId, claimedBy = Environment.MachineName, taskHub, at = DateTimeOffset.UtcNow });
        try
        {
            await blob.UploadAsync(claim, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            return new RunClaim(true);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Claimed already: fine unless the claimer vanished without starting the run.
        }

        BlobDownloadResult held;
        try
        {
            // A claim is ~150 bytes; the first 4 KB are all that is read of whatever else sits there.
            held = (await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(0, ClaimReadBytes) }, cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new RunClaim(false);
        }

        var at = held.Details.LastModified;
        // Hub names are compared as the storage backend treats them (queues lowercased, tables case-blind). A caller
        // that names no hub cannot tell its own claims from another hub's, so it never takes over one that names a hub.
        if (HubOf(held.Content) is { } other && !string.Equals(other, taskHub, StringComparison.OrdinalIgnoreCase))
            return new RunClaim(false, other, at);
        if (DateTimeOffset.UtcNow - at < _abandoned || await runExists()) return new RunClaim(false);
        try
        {
            await blob.UploadAsync(claim, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = held.Details.ETag } }, cancellationToken);
            return new RunClaim(true);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return new RunClaim(false);
        }
    }

    /// <summary>A task hub's name as the storage backend allows it (letters, digits and '-', at most 45 in Azure).</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial System.Text.RegularExpressions.Regex HubName();

    /// <summary>The task hub a claim names; null for claims written before claims named one, or unreadable ones.</summary>
    private static string? HubOf(BinaryData content)
    {
        try
        {
            return JsonNode.Parse(content.ToMemory().Span) is JsonObject o && o["taskHub"] is JsonValue v && v.TryGetValue<string>(out var hub) && HubName().IsMatch(hub) ? hub : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            // Not a claim this code wrote (cut at 4 KB, a duplicate key, bad UTF-8): it names no hub.
            return null;
        }
    }
}
