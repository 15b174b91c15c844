using System.Globalization;
using System.Runtime.InteropServices;

namespace NotebookFunctions.Core.Chunks;

/// <summary>What kind of thing a local input path is, once its links are followed.</summary>
public enum LocalFileKind
{
    Missing,
    Regular,
    Directory,

    /// <summary>A FIFO, device or socket: a stream with no size or ranges, which a run can neither plan nor re-read.</summary>
    Other,
}

/// <summary>
/// A local file's status as the operating system keeps it, links followed (statx on Linux): its kind, and an identity
/// that changes whenever its content may have. Size and modification time alone miss an edit whose modification time
/// was put back (<c>touch -r</c>, rsync, archive tools) and a file replaced by another of the same size and time
/// (<c>mv</c> over it); the inode's change time cannot be set back, and a replaced file is another inode.
/// </summary>
public static partial class LocalFileStatus
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const ushort TypeMask = 0xf000;
    private const ushort TypeRegular = 0x8000;
    private const ushort TypeDirectory = 0x4000;

    /// <summary>The kind of the path, following links; a link that loops or dangles is <see cref="LocalFileKind.Missing"/>.</summary>
    public static LocalFileKind Kind(string path)
    {
        if (!OperatingSystem.IsLinux())
            return File.Exists(path) ? LocalFileKind.Regular : Directory.Exists(path) ? LocalFileKind.Directory : LocalFileKind.Missing;
        if (!TryStat(path, out var status)) return LocalFileKind.Missing;
        return (status.Mode & TypeMask) switch
        {
            TypeRegular => LocalFileKind.Regular,
            TypeDirectory => LocalFileKind.Directory,
            _ => LocalFileKind.Other,
        };
    }

    /// <summary>
    /// "size:modified-ticks:changed-ns:device:inode" on Linux; "size:modified-ticks" elsewhere (and in plans written before
    /// this identity, which <see cref="SameFile"/> still compares by those two).
    /// </summary>
    public static string Identity(FileInfo file)
    {
        var basic = string.Create(CultureInfo.InvariantCulture, $"{file.Length}:{file.LastWriteTimeUtc.Ticks}");
        if (!OperatingSystem.IsLinux() || !TryStat(file.FullName, out var status)) return basic;
        var changed = (status.ChangedSeconds * 1_000_000_000) + status.ChangedNanoseconds;
        return string.Create(CultureInfo.InvariantCulture, $"{basic}:{changed}:{status.DeviceMajor}.{status.DeviceMinor}:{status.Inode}");
    }

    /// <summary>Whether an identity taken now names the same file as one recorded before (both of the recorded parts equal).</summary>
    public static bool SameFile(string recorded, string now)
    {
        var parts = recorded.Split(':').Length;
        return parts >= 5 ? recorded == now : string.Join(':', now.Split(':').Take(parts)) == recorded;
    }

    /// <summary>What differs between two identities of a file, in words (for the refusal that names the file).</summary>
    public static string Difference(string recorded, string now)
    {
        string[] was = recorded.Split(':'), @is = now.Split(':');
        string Part(string[] parts, int i) => i < parts.Length ? parts[i] : "?";
        if (Part(was, 0) != Part(@is, 0)) return $"its size was {Part(was, 0)} bytes and is {Part(@is, 0)}";
        if (Part(was, 1) != Part(@is, 1))
        {
            static string When(string ticks) => long.TryParse(ticks, CultureInfo.InvariantCulture, out var t) && t >= 0 && t <= DateTime.MaxValue.Ticks
                ? new DateTime(t, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) : ticks;
            return $"it was last modified at {When(Part(was, 1))} and now at {When(Part(@is, 1))}";
        }

        return Part(was, 3) != Part(@is, 3) || Part(was, 4) != Part(@is, 4)
            ? "another file now has its name (it was replaced, e.g. moved over)"
            : "it was written to since, though its size and modification time are as before (set back, e.g. by touch -r or a copy tool)";
    }

    private static bool TryStat(string path, out Statx status) => Stat(AtFdCwd, path, 0, StatxBasicStats, out status) == 0;

    // struct statx (linux/stat.h): 256 bytes; only the fields read here are named.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(96)] public long ChangedSeconds;
        [FieldOffset(104)] public uint ChangedNanoseconds;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(int directory, string path, int flags, uint mask, out Statx status);
}
