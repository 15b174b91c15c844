namespace NotebookFunctions.Core.Kernels.Memory;

/// <summary>
/// The host's memory shared out among limited kernels: a kernel with a limit reserves that much before it is taken,
/// and waits (first come, first served) while the kernels already running hold too much. So the host never runs more
/// kernels at once than its memory allows, whatever parallelism runs ask for. Kernels without a limit are not counted.
/// </summary>
public sealed class HostMemoryBudget
{
    private readonly object _gate = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource Ready)> _waiting = new();
    private long _held;

    public HostMemoryBudget(long capacityBytes) => CapacityBytes = Math.Max(1, capacityBytes);

    /// <summary>This host's budget: its memory (or its container's limit) less the host's own reserve.</summary>
    public static HostMemoryBudget Shared { get; } = new((HostMemory.TotalBytes() ?? long.MaxValue / 2) - HostMemory.HostReserveBytes);

    public long CapacityBytes { get; }

    public long HeldBytes
    {
        get
        {
            lock (_gate) return _held;
        }
    }

    /// <summary>Reserves <paramref name="bytes"/> (the whole budget at most: a kernel bigger than the host runs alone); dispose to give it back.</summary>
    public async Task<IDisposable> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        var wanted = Math.Clamp(bytes, 1, CapacityBytes);
        LinkedListNode<(long, TaskCompletionSource)> node;
        lock (_gate)
        {
            if (_waiting.Count == 0 && _held + wanted <= CapacityBytes)
            {
                _held += wanted;
                return new Reservation(this, wanted);
            }

            node = _waiting.AddLast((wanted, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        }

        try
        {
            await node.Value.Item2.Task.WaitAsync(cancellationToken);
            return new Reservation(this, wanted);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _waiting.Remove(node);
                    GrantWaiting();
                    throw;
                }
            }

            // Granted as it was cancelled: give it back.
            Release(wanted);
            throw;
        }
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _held -= bytes;
            GrantWaiting();
        }
    }

    /// <summary>Grants waiters in order while they fit; under the lock.</summary>
    private void GrantWaiting()
    {
        while (_waiting.First is { } first && _held + first.Value.Bytes <= CapacityBytes)
        {
            _waiting.RemoveFirst();
            _held += first.Value.Bytes;
            first.Value.Ready.TrySetResult();
        }
    }

    private sealed class Reservation(HostMemoryBudget budget, long bytes) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) budget.Release(bytes);
        }
    }
}
