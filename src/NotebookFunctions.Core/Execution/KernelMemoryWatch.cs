using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Execution;

/// <summary>
/// Follows one kernel's memory through its run: the resident size before the first cell (the baseline a chunk-size
/// estimate subtracts), each cell's own peak (the peak is reset as a cell starts), and the highest of all. A sampler
/// reads the peak every <see cref="SampleInterval"/> while a cell runs, so a kernel killed mid-cell still has a figure.
/// </summary>
internal sealed class KernelMemoryWatch : IAsyncDisposable
{
    /// <summary>Reading /proc/PID/status takes microseconds; five times a second is noise beside any cell.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(200);

    private readonly Kernel _kernel;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _cellPeak;
    private long _peak;

    private readonly bool _enabled;

    /// <param name="kernel">The kernel to follow.</param>
    /// <param name="enabled">False: follow nothing (no sampler, no per-cell reset), every figure null.</param>
    public KernelMemoryWatch(Kernel kernel, bool enabled = true)
    {
        _kernel = kernel;
        _enabled = enabled;
        Baseline = enabled ? ProcessMemory.ResidentBytes(kernel.ProcessId) : null;
        _peak = Baseline ?? 0;
        _sampler = enabled ? SampleAsync(_stop.Token) : Task.CompletedTask;
    }

    /// <summary>The kernel's resident size before any of the run's code (interpreter, ipykernel, pre-imports).</summary>
    public long? Baseline { get; }

    /// <summary>The highest resident size seen, or a cgroup's peak (kernel and children) when higher; null where the host cannot tell.</summary>
    public long? Peak
    {
        get
        {
            if (!_enabled) return null;
            var seen = Math.Max(Interlocked.Read(ref _peak), ProcessMemory.PeakResidentBytes(_kernel.ProcessId) ?? 0);
            var together = _kernel.MemoryLimit?.PeakBytes ?? 0;
            var peak = Math.Max(seen, together);
            return peak > 0 ? peak : null;
        }
    }

    public void BeginCell()
    {
        if (!_enabled) return;
        ProcessMemory.ResetPeak(_kernel.ProcessId);
        Interlocked.Exchange(ref _cellPeak, ProcessMemory.ResidentBytes(_kernel.ProcessId) ?? 0);
    }

    /// <summary>The cell's peak: what the kernel reached since <see cref="BeginCell"/> (the last sample when it died).</summary>
    public long? EndCell()
    {
        if (!_enabled) return null;
        Sample();
        var peak = Interlocked.Read(ref _cellPeak);
        return peak > 0 ? peak : null;
    }

    /// <summary>
    /// Whether a failure is the memory limit's doing: the cell's MemoryError under a process limit, or a kernel death
    /// that the cgroup reports as its OOM kill, that came at the limit, or whose last words were about memory.
    /// </summary>
    public bool ExplainsFailure(FailureKind kind, string ename, string stderrTail)
    {
        if (_kernel.MemoryLimit is not { } limit) return false;
        return kind switch
        {
            FailureKind.CellError => ename == "MemoryError",
            FailureKind.KernelDied => limit.KilledTheKernel
                || Interlocked.Read(ref _cellPeak) >= limit.Bytes * 9 / 10
                || stderrTail.Contains("MemoryError", StringComparison.Ordinal)
                || stderrTail.Contains("bad_alloc", StringComparison.Ordinal)
                || stderrTail.Contains("Cannot allocate memory", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    private void Sample()
    {
        if (ProcessMemory.PeakResidentBytes(_kernel.ProcessId) is not { } now) return;
        Raise(ref _cellPeak, now);
        Raise(ref _peak, now);
    }

    private static void Raise(ref long field, long value)
    {
        var seen = Interlocked.Read(ref field);
        while (value > seen)
        {
            var was = Interlocked.CompareExchange(ref field, value, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    private async Task SampleAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(SampleInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop) && _kernel.IsAlive) Sample();
        }
        catch (OperationCanceledException)
        {
            // Stopped with the run.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
    }
}
