namespace NotebookFunctions.Core.Parameters;

/// <summary>Parameters every chunk (and a reduce) gets beside the user's (DESIGN.md's notebook contract); a request may not set them.</summary>
public static class ReservedParameters
{
    public const string InputPath = "input_path";
    public const string OutputDir = "output_dir";
    public const string ChunkIndex = "chunk_index";
    public const string ChunkCount = "chunk_count";
    public const string RunId = "run_id";

    /// <summary>The reduce's only: indices of the chunks that failed (a run that goes on past failures reduces the rest).</summary>
    public const string FailedChunks = "failed_chunks";

    public static readonly IReadOnlyCollection<string> Names = [InputPath, OutputDir, ChunkIndex, ChunkCount, RunId];

    /// <summary>What a reduce notebook gets from the run: the merged results' folder, its output folder, the run, and which chunks failed.</summary>
    public static readonly IReadOnlyCollection<string> ReduceNames = [InputPath, OutputDir, ChunkCount, RunId, FailedChunks];
}
