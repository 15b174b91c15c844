using System.Globalization;

namespace NotebookFunctions.Core.Kernels.Memory;

/// <summary>
/// A cgroup v2 child of a delegated cgroup, made for one kernel: memory.max is the limit, swap is off, and the kernel
/// process is moved in before any of the run's code, so everything it starts is counted with it. Past the limit the
/// kernel's OOM killer ends the kernel; memory.events says that it did, memory.peak how high it went.
/// </summary>
internal sealed class CgroupMemoryLimit : IKernelMemoryLimit
{
    private readonly string _folder;

    private CgroupMemoryLimit(string folder, long bytes)
    {
        _folder = folder;
        Bytes = bytes;
    }

    public long Bytes { get; }

    public MemoryLimitMechanism Mechanism => MemoryLimitMechanism.Cgroup;

    public bool KilledTheKernel => Events().TryGetValue("oom_kill", out var kills) && kills > 0;

    public long? PeakBytes => ReadNumber("memory.peak");

    /// <param name="parent">A cgroup v2 folder with the memory controller enabled for its children, writable by this process.</param>
    /// <param name="processId">The kernel.</param>
    /// <param name="bytes">The limit.</param>
    /// <exception cref="IOException">The cgroup could not be made or the process moved into it.</exception>
    public static CgroupMemoryLimit Apply(string parent, int processId, long bytes)
    {
        var folder = Path.Combine(parent, $"nbf-kernel-{processId}");
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "memory.max"), bytes.ToString(CultureInfo.InvariantCulture));
            TryWrite(Path.Combine(folder, "memory.swap.max"), "0");
            // Last: once moved, the kernel is bound by what was written above.
            File.WriteAllText(Path.Combine(folder, "cgroup.procs"), processId.ToString(CultureInfo.InvariantCulture));
            return new CgroupMemoryLimit(folder, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryRemove(folder);
            throw new IOException($"could not put kernel process {processId} in cgroup {folder}: {e.Message}", e);
        }
    }

    private Dictionary<string, long> Events()
    {
        var events = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(_folder, "memory.events")))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var n)) events[parts[0]] = n;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone already: nothing to report.
        }

        return events;
    }

    private long? ReadNumber(string file)
    {
        try
        {
            return long.TryParse(File.ReadAllText(Path.Combine(_folder, file)).Trim(), CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryWrite(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No swap accounting on this host: memory.max alone still holds.
        }
    }

    /// <summary>A cgroup can be removed once its processes are gone; the kernel is disposed (and waited for) first.</summary>
    public void Dispose() => TryRemove(_folder);

    private static void TryRemove(string folder)
    {
        try
        {
            // cgroupfs refuses to delete the control files; removing the folder itself removes them.
            Directory.Delete(folder, recursive: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!File.Exists(Path.Combine(folder, "cgroup.controllers")) && Directory.Exists(folder))
            {
                // Not cgroupfs (a test's folder): its files are ordinary ones.
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception inner) when (inner is IOException or UnauthorizedAccessException)
                {
                    // Left behind; harmless.
                }
            }
        }
    }
}
