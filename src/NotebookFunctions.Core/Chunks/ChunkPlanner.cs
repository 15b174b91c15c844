using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace NotebookFunctions.Core.Chunks;

/// <summary>Lists the input blobs and cuts them into chunks: whole blobs, line-aligned ranges of big CSV / JSONL blobs, or all of them as one.</summary>
public sealed class ChunkPlanner(BlobServiceClient service)
{
    /// <exception cref="ChunkPlanningException">Nothing matches, a blob cannot be split, or the plan exceeds the chunk cap.</exception>
    public async Task<IReadOnlyList<ChunkSpec>> PlanAsync(InputSpec input, CancellationToken cancellationToken = default)
    {
        if (input.LocalPath is not null) return await LocalInputs.PlanAsync(input, cancellationToken);
        var container = service.GetBlobContainerClient(input.Container);
        if (input is { Mode: ChunkMode.Whole, Folders: { } folders }) return [await GatherAsync(container, input, folders, cancellationToken)];
        var blobs = await ListAsync(container, input, cancellationToken);
        if (blobs.Count == 0 && !(input.AllowEmpty && input.Mode == ChunkMode.Whole))
        {
            var filter = input.Glob is null ? string.Empty : $" matching '{input.Glob}'";
            throw new ChunkPlanningException($"no blobs under '{input.Container}/{input.Prefix}'{filter}");
        }

        if (input.Mode == ChunkMode.PerBlob)
        {
            if (blobs.Count > input.MaxChunks)
                throw TooMany(input, blobs.Count);
            return blobs.Select((b, i) => new ChunkSpec(i, input.Container, b.Name, b.Properties.ETag!.Value.ToString(), 0, b.Properties.ContentLength ?? 0, 0)).ToList();
        }

        if (input.Mode == ChunkMode.Whole)
        {
            // Names are kept below the prefix's last folder, so "results/" gives "a.csv" and "data" gives "data.csv".
            var folder = input.Prefix[..(input.Prefix.LastIndexOf('/') + 1)];
            var members = blobs.Select(b => new WholeBlob(b.Name[folder.Length..], b.Properties.ETag!.Value.ToString(), b.Properties.ContentLength ?? 0)).ToList();
            return [new ChunkSpec(0, input.Container, folder, string.Empty, 0, members.Sum(b => b.Length), 0) { Blobs = members }];
        }

        // No estimate up front: size / target over-counts when lines are longer than the target. The cap is checked
        // as boundaries are found, so planning stops at the first chunk past it.
        var chunks = new List<ChunkSpec>();
        foreach (var blob in blobs)
        {
            var hasHeader = LineFiles.HasHeader(blob.Name);
            if (!LineFiles.IsLineFile(blob.Name))
            {
                throw CannotSplit($"{input.Container}/{blob.Name}", local: false);
            }

            var etag = blob.Properties.ETag!.Value;
            var reader = new BlobRangeReader(container.GetBlobClient(blob.Name), blob.Properties.ContentLength ?? 0, etag);
            var header = hasHeader ? await LineSplitter.HeaderLengthAsync(reader, cancellationToken) : 0;
            foreach (var (start, end) in await LineSplitter.SplitAsync(reader, header, input.TargetChunkBytes, cancellationToken))
            {
                chunks.Add(new ChunkSpec(chunks.Count, input.Container, blob.Name, etag.ToString(), start, end - start, header));
                if (chunks.Count > input.MaxChunks) throw TooMany(input, chunks.Count);
            }
        }

        return chunks;
    }

    /// <summary>One whole-mode chunk of every blob under each folder, named in the notebook's folder by the folder's name.</summary>
    private static async Task<ChunkSpec> GatherAsync(BlobContainerClient container, InputSpec input, IReadOnlyList<InputFolder> folders, CancellationToken cancellationToken)
    {
        var members = new List<WholeBlob>();
        foreach (var folder in folders)
        {
            foreach (var blob in await ListAsync(container, input with { Prefix = folder.Prefix, Folders = null }, cancellationToken))
                members.Add(new WholeBlob($"{folder.Name}/{blob.Name[folder.Prefix.Length..]}", blob.Properties.ETag!.Value.ToString(), blob.Properties.ContentLength ?? 0) { Blob = blob.Name });
        }

        if (members.Count == 0 && !input.AllowEmpty)
            throw new ChunkPlanningException($"no blobs under {string.Join(", ", folders.Select(f => $"'{input.Container}/{f.Prefix}'"))}");
        return new ChunkSpec(0, input.Container, string.Empty, string.Empty, 0, members.Sum(b => b.Length), 0) { Blobs = members };
    }

    private static async Task<List<BlobItem>> ListAsync(BlobContainerClient container, InputSpec input, CancellationToken cancellationToken)
    {
        var selected = Selects(input);
        var blobs = new List<BlobItem>();
        try
        {
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = input.Prefix }, cancellationToken))
            {
                if (selected(item.Name)) blobs.Add(item);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ChunkPlanningException($"the container '{input.Container}' does not exist");
        }

        // Blob listings are ordered by name already; sort anyway so chunk order never depends on the service.
        blobs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return blobs;
    }

    /// <summary>* within a path segment, ** across segments, ? one character; the whole name must match.</summary>
    /// <summary>
    /// Which blob names (all starting with the input's prefix, as a listing gives them) the input takes: exactly the
    /// prefix for a blob arrival, else those whose name below the prefix matches the glob. Planning and the run
    /// service's check before a run starts both ask this, so "the input has blobs" means what the plan will find.
    /// </summary>
    public static Func<string, bool> Selects(InputSpec input)
    {
        var glob = input.Glob is null ? null : GlobToRegex(input.Glob);
        return name =>
        {
            if (input.ExactBlob) return name == input.Prefix;
            if (input.RunResults && name == input.Prefix + "scraps.json") return false;
            return glob is null || glob.IsMatch(name[input.Prefix.Length..].TrimStart('/'));
        };
    }

    public static Regex GlobToRegex(string glob)
    {
        var pattern = Regex.Escape(glob)
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex($"^{pattern}$", RegexOptions.CultureInvariant);
    }

    /// <summary>The plan passed the input's chunk cap: the one wording for blobs and for local files.</summary>
    internal static ChunkPlanningException TooMany(InputSpec input, long count)
    {
        var (shown, items, narrow) = input.LocalPath is { } path
            ? (path, "files", "narrow it with a glob")
            : ($"{input.Container}/{input.Prefix}", "blobs", "narrow the prefix or glob");
        return input.Mode == ChunkMode.Split
            ? new($"the input '{shown}' would make more than the cap of {input.MaxChunks} chunks at {input.TargetChunkBytes} bytes each; choose a larger split size, or raise the cap (input.maxChunks of an API request or pipeline step)")
            : new($"the input '{shown}' has {count} {items}, more than the cap of {input.MaxChunks} chunks; {narrow}, or raise the cap (input.maxChunks of an API request or pipeline step)");
    }

    /// <summary>Split mode met a file that is not line-based (blob "container/name", or a local file's full path).</summary>
    internal static ChunkPlanningException CannotSplit(string shown, bool local) =>
        new($"cannot split '{shown}': split mode cuts line-based files ({LineFiles.Described}); use per-blob mode{(local ? " (--per-blob)" : string.Empty)} for other files");
}
