using System.Text.Json.Nodes;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// Which fields (by their JSON names) two run requests differ in: a retried idempotency key must ask for the same
/// run, and a caller reusing a key for another request is told what differs instead of silently getting the first run.
/// </summary>
public static class RunRequestDifferences
{
    /// <param name="earlier">The request the key first started.</param>
    /// <param name="again">The request shaped from the retried submission; an empty version (its own or its reduce's) means "the latest", which the earlier run resolved.</param>
    public static List<string> Between(RunRequest earlier, RunRequest again)
    {
        var fields = new List<string>();
        void Compare<T>(string field, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b)) fields.Add(field);
        }

        Compare("notebook", earlier.Notebook, again.Notebook);
        if (again.Version.Length > 0) Compare("version", earlier.Version, again.Version);
        if (!JsonNode.DeepEquals(earlier.Parameters, again.Parameters)) fields.Add("parameters");
        Compare("input.container", earlier.Input.Container, again.Input.Container);
        Compare("input", earlier.Input.LocalPath, again.Input.LocalPath);
        Compare("input.prefix", earlier.Input.Prefix, again.Input.Prefix);
        Compare("input.glob", earlier.Input.Glob, again.Input.Glob);
        Compare("input.mode", earlier.Input.Mode, again.Input.Mode);
        Compare("input.chunkSize", earlier.Input.TargetChunkBytes, again.Input.TargetChunkBytes);
        Compare("input.maxChunks", earlier.Input.MaxChunks, again.Input.MaxChunks);
        Compare("maxParallelChunks", earlier.MaxParallelChunks, again.MaxParallelChunks);
        Compare("maxAttempts", earlier.Retry.MaxAttempts, again.Retry.MaxAttempts);
        Compare("onChunkFailure", earlier.OnChunkFailure, again.OnChunkFailure);
        Compare("cellTimeoutSeconds", earlier.CellTimeoutSeconds, again.CellTimeoutSeconds);
        Compare("chunkTimeoutSeconds", earlier.ChunkTimeoutSeconds, again.ChunkTimeoutSeconds);
        Compare("kernel", earlier.Kernel, again.Kernel);
        // Asked for or not: the earlier run resolved an absent limit from the notebook or the host.
        if (again.MemoryLimitMB is not null) Compare("memoryLimitMB", earlier.MemoryLimitMB, again.MemoryLimitMB);
        if (!earlier.Secrets.SequenceEqual(again.Secrets, StringComparer.Ordinal)) fields.Add("secrets");
        if (!earlier.Notify.Select(n => n.Identity).SequenceEqual(again.Notify.Select(n => n.Identity), StringComparer.Ordinal)) fields.Add("notify");
        // A retry naming no reduce leaves it to the map notebook's metadata, as the first request may have: only a
        // reduce named explicitly can differ.
        if (again.Reduce is { } reduce)
        {
            if (earlier.Reduce is null)
            {
                fields.Add("reduce");
            }
            else
            {
                Compare("reduce.notebook", earlier.Reduce.Notebook, reduce.Notebook);
                if (reduce.Version.Length > 0) Compare("reduce.version", earlier.Reduce.Version, reduce.Version);
                if (!JsonNode.DeepEquals(earlier.Reduce.Parameters, reduce.Parameters)) fields.Add("reduce.parameters");
            }
        }

        return fields;
    }
}
