using System.Text;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>Writes notebooks so a reader never sees a half-written file.</summary>
public static class NotebookWriter
{
    /// <summary>Writes to a temporary file beside the target, then renames it over the target.</summary>
    public static async Task WriteAtomicallyAsync(Notebook notebook, string path, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, notebook.ToText(), new UTF8Encoding(false), cancellationToken);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
