namespace NotebookFunctions.Core.Kernels.Memory;

/// <summary>
/// Chooses how this host limits a kernel's memory, once: a cgroup v2 subtree where one is delegated to this process
/// (NBF_KERNEL_CGROUP names it, or the process's own cgroup already enables the memory controller for its children
/// and is writable), else RLIMIT_DATA on the kernel process (any Linux), else nothing (not Linux).
/// </summary>
public static class KernelMemoryLimits
{
    /// <summary>The setting that names a delegated cgroup v2 folder (e.g. a systemd unit's with Delegate=yes).</summary>
    public const string CgroupSetting = "NBF_KERNEL_CGROUP";

    private static readonly Lazy<(MemoryLimitMechanism Mechanism, string? Cgroup)> Chosen = new(Choose);

    public static MemoryLimitMechanism Mechanism => Chosen.Value.Mechanism;

    /// <summary>Where kernels' cgroups are made, when <see cref="Mechanism"/> is <see cref="MemoryLimitMechanism.Cgroup"/>.</summary>
    public static string? CgroupParent => Chosen.Value.Cgroup;

    /// <summary>The words a run record and the CLI use for the mechanism.</summary>
    public static string Describe(MemoryLimitMechanism mechanism) => mechanism switch
    {
        MemoryLimitMechanism.Cgroup => "cgroup v2 memory.max (kernel and its children together)",
        MemoryLimitMechanism.ProcessDataLimit => "RLIMIT_DATA on the kernel process (allocations past it raise MemoryError)",
        _ => "none (this host cannot limit kernel memory)",
    };

    /// <summary>Limits a started kernel process, before any of its run's code.</summary>
    /// <exception cref="InvalidOperationException">This host cannot limit it.</exception>
    public static IKernelMemoryLimit Apply(int processId, long bytes)
    {
        var (mechanism, cgroup) = Chosen.Value;
        return mechanism switch
        {
            MemoryLimitMechanism.Cgroup => ApplyCgroupOrFallBack(cgroup!, processId, bytes),
            MemoryLimitMechanism.ProcessDataLimit => ProcessDataLimit.Apply(processId, bytes),
            _ => throw new InvalidOperationException("this host cannot limit kernel memory (not Linux); run without a memory limit"),
        };
    }

    private static IKernelMemoryLimit ApplyCgroupOrFallBack(string parent, int processId, long bytes)
    {
        try
        {
            return CgroupMemoryLimit.Apply(parent, processId, bytes);
        }
        catch (IOException)
        {
            // The subtree went away or filled up (pids.max): the kernel still gets a limit, the per-process one.
            return ProcessDataLimit.Apply(processId, bytes);
        }
    }

    private static (MemoryLimitMechanism, string?) Choose()
    {
        if (!OperatingSystem.IsLinux()) return (MemoryLimitMechanism.None, null);
        var named = Environment.GetEnvironmentVariable(CgroupSetting);
        if (!string.IsNullOrWhiteSpace(named))
        {
            return CgroupProblem(named) is null ? (MemoryLimitMechanism.Cgroup, named)
                : (MemoryLimitMechanism.ProcessDataLimit, null);
        }

        return OwnCgroup() is { } own && CgroupProblem(own) is null ? (MemoryLimitMechanism.Cgroup, own) : (MemoryLimitMechanism.ProcessDataLimit, null);
    }

    /// <summary>Why a folder cannot hold kernels' cgroups; null when it can (cgroup v2, memory enabled for children, writable).</summary>
    public static string? CgroupProblem(string folder)
    {
        try
        {
            if (!File.Exists(Path.Combine(folder, "cgroup.controllers"))) return $"{folder} is not a cgroup v2 folder";
            var enabled = File.ReadAllText(Path.Combine(folder, "cgroup.subtree_control")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!enabled.Contains("memory", StringComparer.Ordinal)) return $"{folder} does not enable the memory controller for its children (cgroup.subtree_control)";
            var probe = Path.Combine(folder, $"nbf-probe-{Environment.ProcessId}");
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{folder} cannot be used: {e.Message}";
        }
    }

    /// <summary>This process's cgroup v2 folder (the "0::" line of /proc/self/cgroup); null on cgroup v1 or without one.</summary>
    private static string? OwnCgroup()
    {
        try
        {
            var line = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));
            if (line is null || !File.Exists("/sys/fs/cgroup/cgroup.controllers")) return null;
            return Path.Combine("/sys/fs/cgroup", line[3..].TrimStart('/'));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
