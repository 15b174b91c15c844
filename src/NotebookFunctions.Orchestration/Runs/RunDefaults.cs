using NotebookFunctions.Core.Chunks;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// What a run request gets for each choice it leaves out. The validator applies these, and the API hands them to the
/// web app's run form to show (GET /api/notebooks/{name}), so the page never holds defaults of its own.
/// </summary>
public static class RunDefaults
{
    public const int MaxParallelChunks = 4;

    public const int MaxAttempts = 2;

    /// <summary>Target size of a chunk in split mode.</summary>
    public const long ChunkBytes = 64L << 20;

    public const int MaxChunks = 10_000;

    public const string Mode = "split";

    public const string OnChunkFailure = "failFast";

    /// <summary>The defaults as the API shows them, named as a run request's members are.</summary>
    public static object Json => new
    {
        input = new { mode = Mode, chunkSize = ByteSizes.Format(ChunkBytes), maxChunks = MaxChunks },
        maxParallelChunks = MaxParallelChunks,
        maxAttempts = MaxAttempts,
        onChunkFailure = OnChunkFailure,
    };
}
