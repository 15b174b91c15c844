namespace NotebookFunctions.Core.Chunks;

/// <summary>
/// Which files are cut into line-aligned chunks, and merged back by concatenation: tables with a header line (repeated
/// in every chunk, kept once when merged) and plain line files. One rule for planning, merging and <c>nbf test</c>.
/// </summary>
public static class LineFiles
{
    private static readonly string[] WithHeader = [".csv", ".tsv"];
    private static readonly string[] Plain = [".jsonl", ".ndjson", ".txt", ".log"];

    /// <summary>The extensions split mode cuts, for messages.</summary>
    public const string Described = ".csv, .tsv with a header line; .jsonl, .ndjson, .txt, .log";

    public static bool HasHeader(string name) => WithHeader.Contains(Path.GetExtension(name).ToLowerInvariant());

    public static bool IsLineFile(string name) => HasHeader(name) || Plain.Contains(Path.GetExtension(name).ToLowerInvariant());
}
