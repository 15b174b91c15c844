using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// "Environment changed": how a run's kernel environment differs from the one of its notebook's last successful run
/// (the newest Completed run before it, found through the run index and read from its manifest). Null when there is
/// no such run, either side recorded no environment, or nothing differs.
/// </summary>
public static class EnvironmentDrift
{
    /// <summary>Runs looked at, newest first, for the last successful one: far enough back for any normal history, bounded for a notebook that always fails.</summary>
    private const int RunsLookedAt = 50;

    public static async Task<JsonObject?> SinceLastSuccessAsync(BlobServiceClient blobs, string notebook, string runId, JsonObject? environment, CancellationToken cancellationToken)
    {
        if (environment is null) return null;
        var index = new RunIndex(blobs);
        var store = new RunStore(blobs);
        string? marker = null;
        var seen = 0;
        do
        {
            var page = await index.PageAsync(pipeline: false, notebook, 20, marker, cancellationToken);
            foreach (var other in page.RunIds)
            {
                if (++seen > RunsLookedAt) return null;
                if (other == runId) continue;
                if (await store.DownloadTextAsync(StorageLayout.ManifestBlob(other), cancellationToken) is not { } text || JsonNode.Parse(text) is not JsonObject manifest) continue;
                if (manifest["status"]?.GetValue<string>() != nameof(Models.RunStatus.Completed)) continue;
                if (manifest["environment"] is not JsonObject before) return null;
                return Describe(other, EnvironmentDiff.Compare(before, environment));
            }

            marker = page.Next;
        }
        while (marker is not null);

        return null;
    }

    /// <summary>The manifest's environment_changed member: the run compared against, and each change in words.</summary>
    private static JsonObject? Describe(string since, EnvironmentDifference difference)
    {
        if (difference.Same) return null;
        var changes = new JsonArray();
        if (difference.PythonBefore != difference.PythonAfter) changes.Add($"~ python {difference.PythonBefore ?? "?"} -> {difference.PythonAfter ?? "?"}");
        foreach (var package in difference.Packages) changes.Add(package.Summary);
        return new JsonObject { ["since_run"] = since, ["changes"] = changes };
    }

    /// <summary>The one line a person sees: "environment changed since run X (its last successful run): ~ pandas 1.5.3 -> 2.0.3, + polars==1.0".</summary>
    public static string Note(JsonObject drift)
    {
        var changes = drift["changes"]?.AsArray().Select(c => c?.GetValue<string>()).OfType<string>().ToList() ?? [];
        var shown = changes.Count <= 10 ? string.Join(", ", changes) : $"{string.Join(", ", changes.Take(10))} and {changes.Count - 10} more";
        return $"environment changed since run {drift["since_run"]?.GetValue<string>()} (the notebook's last successful run): {shown}";
    }
}
