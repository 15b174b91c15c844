namespace NotebookFunctions.Core.Storage;

/// <summary>
/// The temporary folders a chunk works in (its input slice, its output_dir). Each is named after the process that
/// made it, so a host that starts can remove what a killed predecessor left behind (input slices can be large and
/// hold data that should not linger), while folders of hosts still running are left alone.
/// </summary>
public static class ChunkWorkFolders
{
    private const string Prefix = "nbf-chunk-";

    /// <summary>A new, empty folder for one chunk of this process.</summary>
    public static string Create(int chunkIndex) => Create(chunkIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A new, empty folder for one piece of work of this process (a chunk's index, "reduce").</summary>
    public static string Create(string label) =>
        Directory.CreateTempSubdirectory($"{Prefix}p{Environment.ProcessId}-{label}-").FullName;

    /// <summary>Removes a chunk's folder; a folder that cannot be removed now is left for the next sweep.</summary>
    public static void Remove(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for SweepAbandoned at the next start.
        }
    }

    /// <summary>
    /// Removes the chunk folders of processes that no longer run (and unnamed ones from before names carried the
    /// process, once an hour old). Returns how many it removed.
    /// </summary>
    public static int SweepAbandoned(string? root = null)
    {
        var removed = 0;
        foreach (var folder in Directory.EnumerateDirectories(root ?? Path.GetTempPath(), Prefix + "*"))
        {
            var name = Path.GetFileName(folder)[Prefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            // "p{pid}-{chunk}-{random}"; anything else (older names, strays) goes once it is an hour old.
            var abandoned = name.StartsWith('p') && dash > 1 && int.TryParse(name[1..dash], out var pid)
                ? pid != Environment.ProcessId && !Alive(pid)
                : Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddHours(-1);
            if (!abandoned) continue;
            Remove(folder);
            if (!Directory.Exists(folder)) removed++;
        }

        return removed;
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
