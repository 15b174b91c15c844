using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NotebookFunctions.Core.Kernels;

/// <summary>Options of a <see cref="KernelPool"/>.</summary>
public sealed record KernelPoolOptions
{
    /// <summary>Kernels kept started and waiting.</summary>
    public int Size { get; init; } = 2;

    /// <summary>Code run silently on every kernel before it waits, e.g. "import pandas" (no output, no history).</summary>
    public string? PreImports { get; init; }

    /// <summary>Working directory the waiting kernels start in; each execution moves its kernel to its own.</summary>
    public string? WorkingDirectory { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Keeps N started kernels of one kernelspec ready. Every acquisition takes a kernel that has never run user code
/// and starts its replacement at once; kernels are thrown away after use, so no state leaks between runs
/// (<c>%reset</c> does not isolate: environment, cwd and patched modules survive it).
/// </summary>
public sealed class KernelPool : IKernelProvider, IAsyncDisposable
{
    private readonly KernelSpec _spec;
    private readonly KernelPoolOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<Task<Kernel>> _ready;
    private readonly CancellationTokenSource _disposing = new();
    private readonly List<Task> _releases = [];

    /// <summary>Warm-ups that finished after the pool closed, each stopping its kernel; disposing waits for them.</summary>
    private readonly List<Task> _strays = [];

    public KernelPool(KernelSpec spec, KernelPoolOptions? options = null, ILogger? logger = null)
    {
        _spec = spec;
        _options = options ?? new KernelPoolOptions();
        if (_options.Size < 1) throw new ArgumentOutOfRangeException(nameof(options), "a pool holds at least one kernel");
        _logger = logger ?? NullLogger.Instance;
        _ready = Channel.CreateBounded<Task<Kernel>>(_options.Size);
        for (var i = 0; i < _options.Size; i++) Refill();
    }

    public KernelSpec Spec => _spec;

    /// <summary>A warm kernel when the spec matches and no per-run environment is needed; otherwise a fresh start.</summary>
    public async Task<Kernel> AcquireAsync(KernelSpec spec, KernelStartOptions options, CancellationToken cancellationToken)
    {
        // Environment variables (secrets) can only be given at process start; another kernelspec is another pool.
        if (!string.Equals(spec.Name, _spec.Name, StringComparison.OrdinalIgnoreCase) || options.Environment.Count > 0)
            return await Kernel.StartAsync(spec, WithWarmup(options), cancellationToken);

        // Waiting kernels already sit in the pool's folder; only another folder costs a silent chdir.
        var cwd = SameFolder(options.WorkingDirectory, _options.WorkingDirectory) ? null : options.WorkingDirectory;
        var chdir = cwd is null ? null : KernelSetupCode.ChangeDirectory(_spec.Language, cwd);
        if (cwd is not null && chdir is null)
            return await Kernel.StartAsync(spec, WithWarmup(options), cancellationToken);

        for (var attempt = 0; ; attempt++)
        {
            var pending = await _ready.Reader.ReadAsync(cancellationToken);
            // Refill at once only when the pool ran dry; otherwise when this kernel is gone, so a warm-up never
            // competes for CPU with the run that just started (and ready + busy kernels stay within Size).
            var refillNow = _ready.Reader.Count == 0;
            if (refillNow) Refill();
            Kernel kernel;
            try
            {
                kernel = await pending.WaitAsync(cancellationToken);
            }
            catch (Exception e) when ((e is KernelStartException or InvalidOperationException) && attempt < _options.Size)
            {
                _logger.LogWarning(e, "A pooled kernel failed to start; taking the next one");
                if (!refillNow) Refill();
                continue;
            }

            if (!refillNow) _ = kernel.Exited.ContinueWith(_ => Refill(), TaskScheduler.Default);
            if (!kernel.IsAlive)
            {
                await kernel.DisposeAsync();
                if (attempt < _options.Size) continue;
                throw new KernelStartException($"pooled kernel '{_spec.Name}' died while waiting: {kernel.StderrTail}");
            }

            kernel.RestorePriority();
            if (options.OnStderrLine is not null) kernel.StderrLine += options.OnStderrLine;
            if (chdir is not null) await kernel.ExecuteSilentlyAsync(chdir, cancellationToken);
            return kernel;
        }
    }

    /// <summary>Kernels started outside the pool still fork from the server that has the pool's pre-imports.</summary>
    private KernelStartOptions WithWarmup(KernelStartOptions options) => options with { ForkWarmup = options.ForkWarmup ?? _options.PreImports };

    private static bool SameFolder(string? a, string? b) =>
        a is not null && b is not null && string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);

    private void Refill()
    {
        if (_disposing.IsCancellationRequested) return;
        var task = StartWarmAsync();
        if (!_ready.Writer.TryWrite(task))
        {
            // The pool closed meanwhile: this kernel is stopped as soon as it is up, and disposing waits for that, so
            // no kernel of the pool is still starting when the process tears its messaging down.
            var stray = task.ContinueWith(async t => { if (t.IsCompletedSuccessfully) await t.Result.DisposeAsync(); }, TaskScheduler.Default).Unwrap();
            lock (_strays) _strays.Add(stray);
        }
    }

    private async Task<Kernel> StartWarmAsync()
    {
        var kernel = await Kernel.StartAsync(
            _spec,
            new KernelStartOptions
            {
                WorkingDirectory = _options.WorkingDirectory,
                StartTimeout = _options.StartTimeout,
                BackgroundPriority = true,
                ForkWarmup = _options.PreImports,
            },
            _disposing.Token);
        if (!string.IsNullOrWhiteSpace(_options.PreImports))
        {
            try
            {
                await kernel.ExecuteSilentlyAsync(_options.PreImports, _disposing.Token);
            }
            catch
            {
                await kernel.DisposeAsync();
                throw;
            }
        }

        return kernel;
    }

    /// <summary>Shuts a used kernel down in the background, so the caller has its result without waiting for the exit.</summary>
    public ValueTask ReleaseAsync(Kernel kernel)
    {
        lock (_releases)
        {
            _releases.RemoveAll(t => t.IsCompleted);
            _releases.Add(kernel.DisposeAsync().AsTask());
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Task[] releases;
        lock (_releases) releases = [.. _releases];
        await Task.WhenAll(releases);
        _disposing.Cancel();
        _ready.Writer.TryComplete();
        // Kernels still waiting belong to the pool; handed-out ones are their users' to dispose.
        while (_ready.Reader.TryRead(out var task))
        {
            try
            {
                await (await task).DisposeAsync();
            }
            catch (Exception e) when (e is KernelStartException or OperationCanceledException or InvalidOperationException)
            {
                // Never started; nothing to stop.
            }
        }

        Task[] strays;
        lock (_strays) strays = [.. _strays];
        try
        {
            await Task.WhenAll(strays);
        }
        catch (Exception e) when (e is KernelStartException or OperationCanceledException or InvalidOperationException)
        {
            // Never started; nothing to stop.
        }

        _disposing.Dispose();
    }
}
