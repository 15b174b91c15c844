namespace NotebookFunctions.Core.Testing;

/// <summary>
/// Where a test may read and check files: inside a given folder, through no symbolic link. A sample named
/// "/dev/zero", "../../etc" or a link out of the folder is refused by name, instead of copied until the disk is full.
/// </summary>
public static class LocalPaths
{
    /// <summary>Most bytes a case's sample input may have, copied for every case that uses it.</summary>
    public const long MaxInputBytes = 4L << 30;

    /// <summary>Why <paramref name="path"/> may not be used below <paramref name="folder"/>; null when it may.</summary>
    public static string? Problem(string folder, string path)
    {
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return $"must be inside {root} (the test file's folder)";
        // Every step from the folder down, the last included, must be a real folder or file, not a link.
        var current = root;
        foreach (var part in Path.GetRelativePath(root, full).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null) return $"goes through the symbolic link {Path.GetRelativePath(root, current)}; name the file itself";
        }

        return null;
    }

    /// <summary>The bytes under a folder (no links followed), or a file's length.</summary>
    public static long Size(string path) => File.Exists(path)
        ? new FileInfo(path).Length
        : Files(path).Sum(f => new FileInfo(f).Length);

    /// <summary>Every file under a folder, all depths, as paths relative to it with '/' (as output_dir's files are named in results).</summary>
    public static List<string> RelativeFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).ToList();

    /// <summary>The files under a folder, all depths, skipping symbolic links to files and folders.</summary>
    public static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true });
}
