namespace NotebookFunctions.Core.Kernels.Memory;

/// <summary>A memory limit put on one kernel process (and what it starts); disposed once the kernel is gone.</summary>
public interface IKernelMemoryLimit : IDisposable
{
    /// <summary>The limit in bytes.</summary>
    long Bytes { get; }

    /// <summary>How it is enforced, for the run's record and the docs.</summary>
    MemoryLimitMechanism Mechanism { get; }

    /// <summary>True when the limit itself killed the kernel (a cgroup's OOM kill); a process limit never kills, it refuses allocations.</summary>
    bool KilledTheKernel { get; }

    /// <summary>The highest memory the limited processes reached together, where the mechanism can tell (a cgroup's memory.peak).</summary>
    long? PeakBytes { get; }
}

/// <summary>How kernel memory limits are enforced on this host.</summary>
public enum MemoryLimitMechanism
{
    /// <summary>Not at all: not Linux.</summary>
    None,

    /// <summary>A cgroup v2 memory controller (memory.max, no swap): the kernel and its children together, killed past it.</summary>
    Cgroup,

    /// <summary>RLIMIT_DATA on the kernel process (children inherit their own): an allocation past it fails with MemoryError.</summary>
    ProcessDataLimit,
}
