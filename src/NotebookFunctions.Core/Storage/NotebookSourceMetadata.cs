using System.Text;

namespace NotebookFunctions.Core.Storage;

/// <summary>A <see cref="NotebookSource"/> as blob metadata on the version blob, and back.</summary>
internal static class NotebookSourceMetadata
{
    private const string CommitKey = "nbf_source_commit";
    private const string PathKey = "nbf_source_path";
    private const string DirtyKey = "nbf_source_dirty";

    private const string DescriptionKey = "nbf_description";

    /// <summary>The metadata of a version blob: its source when known, and the catalog's description.</summary>
    public static Dictionary<string, string>? Write(NotebookSource? source, string? description = null)
    {
        if (source is null && string.IsNullOrEmpty(description)) return null;
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (source is not null)
        {
            metadata[CommitKey] = source.Commit;
            // Metadata values travel as HTTP headers, so ASCII only. Base64 of the UTF-8 rather than percent-encoding:
            // a 1024-character path encodes to at most 4 KiB, inside the 8 KiB all metadata of a blob may take.
            metadata[PathKey] = Convert.ToBase64String(Encoding.UTF8.GetBytes(source.Path));
            metadata[DirtyKey] = NotebookSource.FormatDirty(source.Dirty);
        }

        // Capped (280 characters, at most 1.5 KiB of base64) so path and description stay inside the 8 KiB.
        if (!string.IsNullOrEmpty(description))
            metadata[DescriptionKey] = Convert.ToBase64String(Encoding.UTF8.GetBytes(description.Length <= Notebooks.NotebookDescription.MaxLength ? description : description[..Notebooks.NotebookDescription.MaxLength]));
        return metadata;
    }

    public static string? ReadDescription(IDictionary<string, string>? metadata)
    {
        if (metadata is null) return null;
        var value = metadata.FirstOrDefault(p => string.Equals(p.Key, DescriptionKey, StringComparison.OrdinalIgnoreCase)).Value;
        if (value is null) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The source recorded on a blob; null when none was (published without one, or before sources were kept).</summary>
    public static NotebookSource? Read(IDictionary<string, string>? metadata)
    {
        if (metadata is null) return null;
        var keys = new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase);
        if (!keys.TryGetValue(CommitKey, out var commit) || !keys.TryGetValue(PathKey, out var path) || !keys.TryGetValue(DirtyKey, out var dirty))
            return null;
        try
        {
            return new NotebookSource(commit, Encoding.UTF8.GetString(Convert.FromBase64String(path)), NotebookSource.ParseDirty(dirty));
        }
        catch (Exception e) when (e is FormatException or NotebookSourceException)
        {
            // Only this class writes these keys, after validation; metadata edited by hand since is not believed,
            // and one such blob must not break listing every version.
            return null;
        }
    }
}
