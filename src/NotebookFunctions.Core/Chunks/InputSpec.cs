namespace NotebookFunctions.Core.Chunks;

/// <summary>How to cut the input into chunks.</summary>
public enum ChunkMode
{
    /// <summary>One chunk per blob under the prefix.</summary>
    PerBlob,

    /// <summary>Each blob split into line-aligned byte ranges of about the target size.</summary>
    Split,

    /// <summary>One chunk of every selected blob: the notebook runs once, its input_path a folder holding them all.</summary>
    Whole,
}

/// <summary>What a run reads: blobs under a prefix (optionally filtered by a glob), and how to chunk them.</summary>
public sealed record InputSpec
{
    public required string Container { get; init; }

    /// <summary>Blob name prefix; a single blob's full name also works.</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>The prefix is one blob's full name and only that blob is read (not "data.csv2" beside "data.csv").</summary>
    public bool ExactBlob { get; init; }

    /// <summary>Glob over the names below the prefix: * within a path segment, ** across segments, ? one character.</summary>
    public string? Glob { get; init; }

    public ChunkMode Mode { get; init; } = ChunkMode.Split;

    /// <summary>Target chunk size in split mode.</summary>
    public long TargetChunkBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>In whole mode, no blob at all is one chunk of an empty folder rather than an error (a pipeline step with no input, or an upstream step that wrote nothing).</summary>
    public bool AllowEmpty { get; init; }

    /// <summary>More chunks than this is an error, before anything runs.</summary>
    public int MaxChunks { get; init; } = 10_000;
}
