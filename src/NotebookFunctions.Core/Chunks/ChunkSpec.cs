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

    /// <summary>
    /// In whole mode, every blob the one chunk holds (names relative to <see cref="Blob"/>, the folder they are under);
    /// the notebook's input_path is then a folder of them. Null for a range of one blob.
    /// </summary>
    public IReadOnlyList<WholeBlob>? Blobs { get; init; }

    /// <summary>
    /// For a local input read in place: the folder <see cref="Blob"/> (and every member's name) is relative to. The
    /// ETags are then the files' identities (<see cref="LocalInputs.Identity"/>), checked before every read.
    /// </summary>
    public string? LocalRoot { get; init; }

    /// <summary>
    /// The machine a local input's files are on (where it was planned): a worker on another machine sharing the task
    /// hub cannot read them, and says so instead of calling them missing.
    /// </summary>
    public string? LocalMachine { get; init; }

    /// <summary>The blob versions this chunk reads: what a repair checks are unchanged, and the manifest records.</summary>
    public IEnumerable<(string Blob, string ETag)> Sources =>
        Blobs is null ? [(Blob, ETag)] : Blobs.Select(b => (BlobOf(b), b.ETag));

    /// <summary>The full blob name of one of <see cref="Blobs"/>.</summary>
    public string BlobOf(WholeBlob member) => member.Blob ?? Blob + member.Name;
}

/// <summary>One blob of a whole-mode chunk: its name in the notebook's input folder, its version and its size.</summary>
public sealed record WholeBlob(string Name, string ETag, long Length)
{
    /// <summary>The full blob name, when it is not the chunk's folder followed by <see cref="Name"/> (inputs gathered from several folders).</summary>
    public string? Blob { get; init; }
}
