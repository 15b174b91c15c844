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

    /// <summary>
    /// In whole mode, blobs gathered from several folders instead of the prefix: each folder's blobs go in the input
    /// folder under its name (a pipeline step reading the results of several steps).
    /// </summary>
    public IReadOnlyList<InputFolder>? Folders { get; init; }

    /// <summary>
    /// The input is a run's merged results: the scraps.json a run gathers beside its notebook's files (at the top of the
    /// prefix, or of each folder) is the run's record, not data, and is left out.
    /// </summary>
    public bool RunResults { get; init; }

    /// <summary>
    /// A local file or folder (absolute) read in place by the activities instead of blobs: only the local host, which
    /// shares the machine's disk with its activities, plans such an input; no request from outside can name one.
    /// <see cref="Container"/> is then <see cref="LocalInputs.Container"/> and <see cref="Prefix"/> empty.
    /// </summary>
    public string? LocalPath { get; init; }

    /// <summary>More chunks than this is an error, before anything runs.</summary>
    public int MaxChunks { get; init; } = 10_000;
}

/// <summary>Blobs under <paramref name="Prefix"/>, seen by the notebook under input_path/<paramref name="Name"/>/.</summary>
public sealed record InputFolder(string Prefix, string Name);
