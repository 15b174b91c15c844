using System.Globalization;

namespace NotebookFunctions.Core.Kernels.Memory;

/// <summary>The memory this host has for kernels, as Linux reports it: /proc/meminfo, bounded by the host's own cgroup limit (a container's).</summary>
public static class HostMemory
{
    /// <summary>Memory the host keeps for itself (the .NET host, storage emulator, page cache) beside its kernels.</summary>
    public const long HostReserveBytes = 512L << 20;

    /// <summary>Memory that can be used now without swapping (MemAvailable, or what is left of a container's limit); null off Linux.</summary>
    public static long? AvailableBytes()
    {
        var available = MemInfo("MemAvailable:");
        if (ContainerLimit() is { } limit && ContainerUsage() is { } used) available = Math.Min(available ?? long.MaxValue, Math.Max(0, limit - used));
        return available;
    }

    /// <summary>All the memory of the host (MemTotal), or its container's limit when lower; null off Linux.</summary>
    public static long? TotalBytes()
    {
        var total = MemInfo("MemTotal:");
        if (ContainerLimit() is { } limit) total = Math.Min(total ?? long.MaxValue, limit);
        return total;
    }

    /// <summary>How many kernels of <paramref name="limitBytes"/> each fit in what is available now, keeping the host's reserve (at least one).</summary>
    public static int KernelsThatFit(long limitBytes, long availableBytes) =>
        (int)Math.Clamp((availableBytes - HostReserveBytes) / Math.Max(1, limitBytes), 1, int.MaxValue);

    private static long? MemInfo(string field) => ProcKilobytes.Read("/proc/meminfo", field);

    /// <summary>The limit of the cgroup this process runs in (v2 memory.max, v1 memory.limit_in_bytes); null when unlimited.</summary>
    private static long? ContainerLimit() => ReadCgroupNumber("memory.max", "memory.limit_in_bytes") is { } n && n < (1L << 50) ? n : null;

    private static long? ContainerUsage() => ReadCgroupNumber("memory.current", "memory.usage_in_bytes");

    private static long? ReadCgroupNumber(string v2File, string v1File)
    {
        foreach (var path in new[] { Path.Combine("/sys/fs/cgroup", v2File), Path.Combine("/sys/fs/cgroup/memory", v1File) })
        {
            try
            {
                if (File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var n)) return n;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Next.
            }
        }

        return null;
    }
}
