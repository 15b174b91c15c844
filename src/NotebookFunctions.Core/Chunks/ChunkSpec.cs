namespace NotebookFunctions.Core.Chunks;

/// <summary>
/// One chunk: a byte range of one blob at one version (ETag), plus the length of the CSV header line to put in
/// front of it (0 for JSONL and whole blobs). Small, so it travels through orchestration history as is.
/// </summary>
public sealed record ChunkSpec(
    int Index,
    string Container,
    string Blob,
    string ETag,
    long Offset,
    long Length,
    long HeaderLength)
{
    /// <summary>The file name the notebook sees: the blob's own name, so its extension tells the format.</summary>
    public string FileName => Path.GetFileName(Blob);
}
