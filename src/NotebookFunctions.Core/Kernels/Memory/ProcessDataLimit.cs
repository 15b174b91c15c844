using System.Runtime.InteropServices;

namespace NotebookFunctions.Core.Kernels.Memory;

/// <summary>
/// RLIMIT_DATA set on a running kernel with prlimit(2): since Linux 4.7 it bounds every private writable mapping (heap
/// and anonymous mmap, which is where numpy and pandas put their arrays), so an allocation past it fails and Python
/// raises MemoryError in the cell that asked. Processes the kernel starts afterwards inherit the limit, each on its
/// own (not together, as a cgroup would). Set after the kernel started (a pooled kernel is started before its run is
/// known), but before any of the run's code.
/// </summary>
internal sealed partial class ProcessDataLimit : IKernelMemoryLimit
{
    private const int RlimitData = 2;

    private ProcessDataLimit(long bytes) => Bytes = bytes;

    public long Bytes { get; }

    public MemoryLimitMechanism Mechanism => MemoryLimitMechanism.ProcessDataLimit;

    public bool KilledTheKernel => false;

    public long? PeakBytes => null;

    /// <exception cref="InvalidOperationException">The limit could not be set (the process is gone, or not ours).</exception>
    public static ProcessDataLimit Apply(int processId, long bytes)
    {
        var limit = new RLimit { Current = (ulong)bytes, Maximum = (ulong)bytes };
        if (SetLimit(processId, RlimitData, ref limit, IntPtr.Zero) != 0)
            throw new InvalidOperationException($"could not limit kernel process {processId} to {bytes >> 20} MB: errno {Marshal.GetLastPInvokeError()}");
        return new ProcessDataLimit(bytes);
    }

    /// <summary>The data limit a process has now (for tests and diagnostics); null when it cannot be read.</summary>
    public static long? Current(int processId)
    {
        if (GetLimit(processId, RlimitData, IntPtr.Zero, out var old) != 0) return null;
        return old.Current == ulong.MaxValue ? long.MaxValue : (long)old.Current;
    }

    public void Dispose()
    {
        // Goes with the process.
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "prlimit", SetLastError = true)]
    private static partial int SetLimit(int pid, int resource, ref RLimit newLimit, IntPtr oldLimit);

    [LibraryImport("libc", EntryPoint = "prlimit", SetLastError = true)]
    private static partial int GetLimit(int pid, int resource, IntPtr newLimit, out RLimit oldLimit);
}
