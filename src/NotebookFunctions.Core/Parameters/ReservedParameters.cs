namespace NotebookFunctions.Core.Parameters;

/// <summary>Parameters every chunk gets beside the user's (DESIGN.md's notebook contract); a request may not set them.</summary>
public static class ReservedParameters
{
    public const string InputPath = "input_path";
    public const string OutputDir = "output_dir";
    public const string ChunkIndex = "chunk_index";
    public const string ChunkCount = "chunk_count";
    public const string RunId = "run_id";

    public static readonly IReadOnlyCollection<string> Names = [InputPath, OutputDir, ChunkIndex, ChunkCount, RunId];
}
