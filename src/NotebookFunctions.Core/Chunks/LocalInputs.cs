using System.Security.Cryptography;

namespace NotebookFunctions.Core.Chunks;

/// <summary>
/// Local files as a run's input, read in place (the local host's default for <c>nbf run --input FILE|FOLDER</c>):
/// planned like blobs (the same line-aligned splitting, per file, whole), and read by the chunks straight from the
/// disk. A file's identity (<see cref="LocalFileStatus.Identity"/>: size, modification and change times, device and
/// inode) stands where a blob's ETag stands: planning records it, every read checks it first, and a resumed or
/// repaired run whose file changed is refused naming the file, as one whose blob changed is. Each chunk also hashes
/// the bytes it read (SHA-256), recorded in the manifest. A link given as the input is followed to its file once, at
/// planning; only regular files and folders are read (a FIFO or device has no size or ranges to plan and re-read).
/// </summary>
public static class LocalInputs
{
    /// <summary>The container name an in-place input's chunks carry (a valid name, never a real container).</summary>
    public const string Container = "local-files";

    /// <summary>The file's identity, as the plan records it and every read compares it.</summary>
    public static string Identity(FileInfo file) => LocalFileStatus.Identity(file);

    /// <summary>Why a path cannot be read in place; null when it can (an existing regular file or folder, absolute).</summary>
    public static string? Problem(string path) =>
        !Path.IsPathFullyQualified(path) ? $"'{path}' is not an absolute path"
        : LocalFileStatus.Kind(path) switch
        {
            LocalFileKind.Regular or LocalFileKind.Directory => null,
            LocalFileKind.Other => $"'{path}' is not a regular file or folder: a FIFO, device or socket has no size or ranges to plan, and cannot be read again on a retry",
            _ => new FileInfo(path).LinkTarget is { } target
                ? $"'{path}' is a link to '{target}', which does not resolve to a file or folder (missing, or a loop of links)"
                : $"'{path}' is neither a file nor a folder here",
        };

    /// <summary>The input's files: the file itself, or every file under the folder (links left out), with names relative to the root, sorted.</summary>
    public static (string Root, List<(string Name, FileInfo File)> Files) List(InputSpec input)
    {
        var path = input.LocalPath!;
        if (Problem(path) is { } problem) throw new ChunkPlanningException($"the local input {problem}");
        if (File.Exists(path))
        {
            // A link is followed once, here: its own size is its target's name's length, and reads open the target.
            var file = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? new FileInfo(path);
            return (Path.GetDirectoryName(file.FullName)!, [(file.Name, file)]);
        }

        var glob = input.Glob is null ? null : ChunkPlanner.GlobToRegex(input.Glob);
        var files = new DirectoryInfo(path).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden, IgnoreInaccessible = false })
            .Select(f => (Name: Path.GetRelativePath(path, f.FullName).Replace('\\', '/'), File: f))
            .Where(f => glob is null || glob.IsMatch(f.Name))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        if (files.FirstOrDefault(f => LocalFileStatus.Kind(f.File.FullName) != LocalFileKind.Regular) is { Name: not null } special)
            throw new ChunkPlanningException($"'{special.Name}' under the local input '{path}' is not a regular file (a FIFO, device or socket): remove it or leave it out with a glob");
        return (path, files);
    }

    /// <summary>The chunks of a local input: per file, whole, or line-aligned ranges; blob planning's rules and limits.</summary>
    /// <exception cref="ChunkPlanningException">No file, a file that cannot be split, or more chunks than the cap.</exception>
    public static async Task<IReadOnlyList<ChunkSpec>> PlanAsync(InputSpec input, CancellationToken cancellationToken)
    {
        var (root, files) = List(input);
        if (files.Count == 0 && !(input.AllowEmpty && input.Mode == ChunkMode.Whole))
            throw new ChunkPlanningException($"no files under '{input.LocalPath}'{(input.Glob is null ? string.Empty : $" matching '{input.Glob}'")}");
        switch (input.Mode)
        {
            case ChunkMode.PerBlob:
                if (files.Count > input.MaxChunks) throw ChunkPlanner.TooMany(input, files.Count);
                return files.Select((f, i) => new ChunkSpec(i, Container, f.Name, Identity(f.File), 0, f.File.Length, 0) { LocalRoot = root, LocalMachine = Environment.MachineName }).ToList();
            case ChunkMode.Whole:
                var members = files.Select(f => new WholeBlob(f.Name, Identity(f.File), f.File.Length)).ToList();
                return [new ChunkSpec(0, Container, string.Empty, string.Empty, 0, members.Sum(m => m.Length), 0) { Blobs = members, LocalRoot = root, LocalMachine = Environment.MachineName }];
        }

        var chunks = new List<ChunkSpec>();
        foreach (var (name, file) in files)
        {
            if (!LineFiles.IsLineFile(name))
                throw ChunkPlanner.CannotSplit(file.FullName, local: true);
            var reader = new FileRangeReader(file.FullName);
            var header = LineFiles.HasHeader(name) ? await LineSplitter.HeaderLengthAsync(reader, cancellationToken) : 0;
            foreach (var (start, end) in await LineSplitter.SplitAsync(reader, header, input.TargetChunkBytes, cancellationToken))
            {
                chunks.Add(new ChunkSpec(chunks.Count, Container, name, Identity(file), start, end - start, header) { LocalRoot = root, LocalMachine = Environment.MachineName });
                if (chunks.Count > input.MaxChunks) throw ChunkPlanner.TooMany(input, chunks.Count);
            }
        }

        return chunks;
    }

    /// <summary>The file a chunk's source names, checked to be the one planned.</summary>
    /// <exception cref="ChunkPlanningException">The file is gone or changed since planning, naming it.</exception>
    public static FileInfo Unchanged(string root, string name, string identity)
    {
        var file = new FileInfo(Path.Combine(root, name));
        if (!file.Exists) throw new ChunkPlanningException($"local input file {file.FullName} no longer exists; start a new run instead");
        var now = Identity(file);
        if (!LocalFileStatus.SameFile(identity, now))
            throw new ChunkPlanningException($"local input file {file.FullName} changed since the run was planned ({LocalFileStatus.Difference(identity, now)}); start a new run instead");
        return file;
    }

    /// <summary>Checks that every local file the chunks read (in place) is the one planned; chunks of blobs are skipped.</summary>
    /// <exception cref="ChunkPlanningException">The first file that is gone or changed, naming it.</exception>
    public static void Unchanged(IEnumerable<ChunkSpec> chunks)
    {
        foreach (var (root, name, identity) in chunks.Where(c => c.LocalRoot is not null).SelectMany(c => c.Sources.Select(s => (c.LocalRoot!, s.Blob, s.ETag))).Distinct())
            Unchanged(root, name, identity);
    }

    /// <summary>
    /// Writes a chunk of a local input to <paramref name="directory"/> as a blob chunk is downloaded (the header first for
    /// a split CSV; every member under the folder in whole mode), after checking each file is the one planned.
    /// </summary>
    /// <returns>The input path the notebook gets, and the SHA-256 of the bytes read.</returns>
    public static async Task<(string Path, string Sha256)> CopyAsync(ChunkSpec chunk, string directory, CancellationToken cancellationToken)
    {
        var root = chunk.LocalRoot!;
        if (chunk.LocalMachine is { } machine && machine != Environment.MachineName)
        {
            throw new ChunkPlanningException(
                $"the run's input is local files on machine '{machine}' ({root}), and this worker runs on '{Environment.MachineName}': start runs with --upload when workers on other machines share the task hub");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (chunk.Blobs is { } members)
        {
            var folder = System.IO.Path.GetFullPath(directory) + System.IO.Path.DirectorySeparatorChar;
            foreach (var member in members)
            {
                var file = Unchanged(root, member.Name, member.ETag);
                var target = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, member.Name));
                if (!target.StartsWith(folder, StringComparison.Ordinal)) throw new ChunkPlanningException($"local input file '{member.Name}' has a name that leaves its folder");
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                await CopyRangesAsync(file, [(0, member.Length)], target, hash, cancellationToken);
            }

            return (directory, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }

        var source = Unchanged(root, chunk.Blob, chunk.ETag);
        var path = System.IO.Path.Combine(directory, chunk.FileName);
        var ranges = chunk.HeaderLength > 0 && chunk.Offset >= chunk.HeaderLength
            ? new[] { (0L, chunk.HeaderLength), (chunk.Offset, chunk.Length) }
            : [(chunk.Offset, chunk.Length)];
        await CopyRangesAsync(source, ranges, path, hash, cancellationToken);
        return (path, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task CopyRangesAsync(FileInfo source, IEnumerable<(long Offset, long Length)> ranges, string target, IncrementalHash hash, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var input = new FileStream(source.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 20];
        foreach (var (offset, length) in ranges)
        {
            input.Position = offset;
            var left = length;
            while (left > 0)
            {
                var n = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
                if (n == 0) throw new ChunkPlanningException($"local input file {source.FullName} ended before the chunk did: it changed since the run was planned; start a new run instead");
                hash.AppendData(buffer, 0, n);
                await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                left -= n;
            }
        }
    }
}
