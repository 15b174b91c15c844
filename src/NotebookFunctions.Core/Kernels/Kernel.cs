using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Kernels;

/// <summary>A running Jupyter kernel this process started, spoken to over the Jupyter messaging protocol.</summary>
public sealed class Kernel : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);
    private static readonly ConcurrentDictionary<Kernel, byte> Live = new();
    private static readonly Lock LaunchLock = new();
    private static bool _closing;
    private readonly ConcurrentDictionary<string, KernelRequest> _pending = new(StringComparer.Ordinal);
    private readonly IKernelProcess _process;
    private readonly string _connectionFile;
    private readonly string _session = Guid.NewGuid().ToString("N");
    private KernelChannels? _channels;
    private int _disposed;

    private Kernel(KernelSpec spec, IKernelProcess process, ConnectionInfo connection, string connectionFile)
    {
        Spec = spec;
        _process = process;
        Connection = connection;
        _connectionFile = connectionFile;
        _process.Exited.ContinueWith(t => OnExitedAsync(t.Result), TaskScheduler.Default);
    }

    public KernelSpec Spec { get; }

    public ConnectionInfo Connection { get; }

    /// <summary>The kernel_info_reply content: language_info, implementation, protocol version.</summary>
    public JsonObject Info { get; private set; } = new();

    public int ProcessId => _process.Id;

    /// <summary>Completes when the kernel process exits, with its exit code.</summary>
    public Task<int?> Exited => _process.Exited;

    public bool IsAlive => !_process.Exited.IsCompleted;

    /// <summary>Everything the kernel wrote to stderr lately, for error reports.</summary>
    public string StderrTail => _process.StderrTail;

    /// <summary>Raised for every line the kernel writes to stderr.</summary>
    public event Action<string>? StderrLine
    {
        add => _process.StderrLine += value;
        remove => _process.StderrLine -= value;
    }

    /// <summary>Messages that failed signature checks or parsing (never silently trusted).</summary>
    public int RejectedMessages { get; private set; }

    /// <summary>Starts a kernel and waits until it answers on shell and iopub; retries when it loses a port race.</summary>
    public static async Task<Kernel> StartAsync(KernelSpec spec, KernelStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KernelStartOptions();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var forkServer = await ForkServerForAsync(spec, options, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var kernel = Launch(spec, options, forkServer);
            try
            {
                await kernel.WaitUntilReadyAsync(options.StartTimeout, cancellationToken);
                Telemetry.NotebookTelemetry.KernelStartDuration.Record(
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>(Telemetry.NotebookTelemetry.Attributes.Kernel, spec.Name),
                    new KeyValuePair<string, object?>(Telemetry.NotebookTelemetry.Attributes.Forked, forkServer is not null));
                return kernel;
            }
            catch (KernelStartException) when (attempt < options.PortAttempts && LostPortRace(kernel))
            {
                await kernel.DisposeAsync();
            }
            catch
            {
                await kernel.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// Starts, in the background, what a kernel of this spec is forked from (the server's imports take ~0.3 s), so
    /// that a caller's own work before <see cref="StartAsync"/> (reading, checking and parameterising a notebook)
    /// overlaps them. Does nothing where kernels are not forked; a server that cannot start is reported by the start.
    /// </summary>
    public static void WarmUp(KernelSpec spec, KernelStartOptions? options = null) =>
        _ = ForkServerForAsync(spec, options ?? new KernelStartOptions(), CancellationToken.None)
            .ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static bool LostPortRace(Kernel kernel) =>
        kernel.StderrTail.Contains("Address already in use", StringComparison.Ordinal);

    private static async Task<KernelForkServer?> ForkServerForAsync(KernelSpec spec, KernelStartOptions options, CancellationToken cancellationToken) =>
        options.AllowFork && KernelForkServer.Enabled && KernelForkServer.KernelArguments(spec.Argv) is not null
            ? await KernelForkServer.ForAsync(spec.Argv[0], options.ForkWarmup ?? string.Empty, cancellationToken)
            : null;

    private static Kernel Launch(KernelSpec spec, KernelStartOptions options, KernelForkServer? forkServer)
    {
        var connection = ConnectionInfo.CreateForLoopback(spec.Name);
        var connectionFile = Path.Combine(Path.GetTempPath(), $"nbf-kernel-{Guid.NewGuid():N}.json");
        connection.WriteFile(connectionFile);

        var argv = spec.Argv.Select(a => a.Replace("{connection_file}", connectionFile, StringComparison.Ordinal)
            .Replace("{resource_dir}", spec.ResourceDirectory, StringComparison.Ordinal)).ToList();
        if (spec.IsIPython)
        {
            // Keep IPython history in memory: the shared SQLite history file locks when kernels run in parallel.
            argv.Add("--HistoryManager.hist_file=:memory:");
        }

        var env = new Dictionary<string, string>(spec.Env, StringComparer.Ordinal)
        {
            // ipykernel exits when the process named here dies, so a killed host leaves no kernels behind.
            ["JPY_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // debugpy otherwise warns on stderr about frozen modules at every start.
            ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1",
        };
        foreach (var (key, value) in options.Environment) env[key] = value;

        // Launches and the final shutdown exclude each other: no kernel may start after ShutdownAllAsync took stock.
        lock (LaunchLock)
        {
            if (_closing) throw new KernelStartException("the host is shutting down; no new kernels are started");
            var workingDirectory = options.WorkingDirectory ?? Directory.GetCurrentDirectory();
            IKernelProcess process = forkServer is not null
                ? forkServer.Fork(KernelForkServer.KernelArguments(argv)!, Path.GetFullPath(workingDirectory), env)
                : SpawnedKernelProcess.Start(argv, workingDirectory, env);
            return Register(spec, options, connection, connectionFile, process);
        }
    }

    private static Kernel Register(KernelSpec spec, KernelStartOptions options, ConnectionInfo connection, string connectionFile, IKernelProcess process)
    {
        if (options.BackgroundPriority) process.SetBackgroundPriority(true);
        var kernel = new Kernel(spec, process, connection, connectionFile);
        Live[kernel] = 0;
        if (options.OnStderrLine is not null) kernel.StderrLine += options.OnStderrLine;
        kernel._channels = new KernelChannels(connection, new MessageSigner(connection.Key), kernel.Dispatch, kernel.OnBadMessage);
        return kernel;
    }

    /// <summary>
    /// Ready means a shell reply AND an iopub message for one of our probes: the iopub subscription can miss the
    /// first status, and then the first cell's idle would be missed. Probes sent before the kernel bound are answered
    /// late with their old ids, so a reply to any probe counts.
    /// </summary>
    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout);
        var probes = new List<KernelRequest>();
        var shellReply = new TaskCompletionSource<JupyterMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var iopubSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            while (true)
            {
                if (!IsAlive)
                    throw new KernelStartException($"kernel '{Spec.Name}' exited during start-up with code {await Exited}: {(await FinalStderrAsync()).TrimEnd()}");
                var probe = Send(KernelChannel.Shell, "kernel_info_request", new JsonObject());
                probes.Add(probe);
                _ = probe.Reply.ContinueWith(t => { if (t.IsCompletedSuccessfully) shellReply.TrySetResult(t.Result); }, TaskScheduler.Default);
                _ = WatchIoPub(probe, iopubSeen);
                var both = Task.WhenAll(shellReply.Task, iopubSeen.Task);
                var finished = await Task.WhenAny(both, Task.Delay(ProbeInterval, timeoutCts.Token), Exited);
                if (finished == both)
                {
                    Info = shellReply.Task.Result.Content;
                    return;
                }

                // WhenAny does not throw: a cancelled delay comes back at once, every time. Without this the loop would
                // spin sending probes as fast as it can once the start timed out or was cancelled (measured: nbf grew to
                // 24 GB and was killed by the kernel's OOM killer).
                timeoutCts.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KernelStartException($"kernel '{Spec.Name}' did not answer within {timeout.TotalSeconds:0} s: {StderrTail.TrimEnd()}");
        }
        finally
        {
            foreach (var probe in probes) _pending.TryRemove(probe.MsgId, out _);
        }
    }

    private static async Task WatchIoPub(KernelRequest probe, TaskCompletionSource seen)
    {
        try
        {
            if (await probe.IoPub.WaitToReadAsync()) seen.TrySetResult();
        }
        catch (KernelDiedException)
        {
            // Start-up reports the death itself.
        }
    }

    /// <summary>Sends a request on shell or control and tracks its reply and iopub messages.</summary>
    public KernelRequest Send(KernelChannel channel, string msgType, JsonObject content)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var message = JupyterMessage.Create(msgType, _session, content);
        var request = new KernelRequest(message);
        _pending[request.MsgId] = request;
        if (!IsAlive)
        {
            request.Fail(new KernelDiedException(_process.Exited.Result, StderrTail));
            return request;
        }

        _channels!.Send(channel, message);
        return request;
    }

    /// <summary>Sends an execute_request; batch runs never allow stdin, so input() fails in the cell instead of hanging.</summary>
    public KernelRequest Execute(string code, bool silent = false, bool storeHistory = true, bool stopOnError = true) =>
        Send(KernelChannel.Shell, "execute_request", new JsonObject
        {
            ["code"] = code,
            ["silent"] = silent,
            ["store_history"] = storeHistory,
            ["user_expressions"] = new JsonObject(),
            ["allow_stdin"] = false,
            ["stop_on_error"] = stopOnError,
        });

    /// <summary>Runs code without output or history and throws if it fails: for pre-imports and set-up.</summary>
    public async Task ExecuteSilentlyAsync(string code, CancellationToken cancellationToken = default)
    {
        var request = Execute(code, silent: true, storeHistory: false);
        var reply = await request.Reply.WaitAsync(cancellationToken);
        var content = reply.Content;
        if (content["status"]?.GetValue<string>() != "ok")
        {
            throw new InvalidOperationException(
                $"set-up code failed in kernel '{Spec.Name}': {content["ename"]}: {content["evalue"]}");
        }
    }

    /// <summary>Evaluates an expression silently (user_expressions) and returns its text/plain repr, or null on error.</summary>
    public async Task<string?> EvaluateAsync(string expression, CancellationToken cancellationToken = default)
    {
        var request = Send(KernelChannel.Shell, "execute_request", new JsonObject
        {
            ["code"] = string.Empty,
            ["silent"] = true,
            ["store_history"] = false,
            ["user_expressions"] = new JsonObject { ["value"] = expression },
            ["allow_stdin"] = false,
            ["stop_on_error"] = false,
        });
        var reply = await request.Reply.WaitAsync(cancellationToken);
        var value = reply.Content["user_expressions"]?["value"];
        return value?["status"]?.GetValue<string>() == "ok" ? value["data"]?["text/plain"]?.GetValue<string>() : null;
    }

    /// <summary>Interrupts the running cell: interrupt_request on control, SIGINT if the kernel does not answer it.</summary>
    public async Task InterruptAsync(TimeSpan? replyTimeout = null)
    {
        if (!IsAlive) return;
        var request = Send(KernelChannel.Control, "interrupt_request", new JsonObject());
        try
        {
            await request.Reply.WaitAsync(replyTimeout ?? TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when (e is TimeoutException or KernelDiedException)
        {
            _process.Interrupt();
        }
        finally
        {
            _pending.TryRemove(request.MsgId, out _);
        }
    }

    /// <summary>True if the kernel answered a heartbeat in time.</summary>
    public bool Heartbeat(TimeSpan timeout) => IsAlive && _channels!.Heartbeat(timeout);

    /// <summary>Asks the kernel to shut down, then kills it if it has not exited within the grace period.</summary>
    public async Task ShutdownAsync(TimeSpan grace)
    {
        if (IsAlive)
        {
            try
            {
                Send(KernelChannel.Control, "shutdown_request", new JsonObject { ["restart"] = false });
                await Exited.WaitAsync(grace);
            }
            catch (Exception e) when (e is TimeoutException or ObjectDisposedException)
            {
                // Falls through to kill.
            }
        }

        await KillAndWaitAsync();
    }

    private async Task KillAndWaitAsync()
    {
        Kill();
        // Kill only sends the signal; wait for the exit so "disposed" means "gone".
        await Exited.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Gives a kernel started at background priority its normal priority back (best effort).</summary>
    public bool RestorePriority() => _process.SetBackgroundPriority(false);

    /// <summary>Kills the kernel process at once.</summary>
    public void Kill() => _process.Kill();

    /// <summary>The memory limit put on this kernel for its run; null when it has none.</summary>
    public Memory.IKernelMemoryLimit? MemoryLimit { get; private set; }

    /// <summary>
    /// Limits this kernel's memory (and what it starts from now on) by this host's mechanism. Called once, after the
    /// kernel is acquired and before any of the run's code: pooled kernels are started before their run is known.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already limited, or this host cannot limit it.</exception>
    public void LimitMemory(long bytes)
    {
        if (MemoryLimit is not null) throw new InvalidOperationException("the kernel's memory is already limited");
        MemoryLimit = Memory.KernelMemoryLimits.Apply(ProcessId, bytes);
    }

    private void Dispatch(KernelChannel channel, JupyterMessage message)
    {
        var parent = message.ParentMsgId;
        if (parent is null || !_pending.TryGetValue(parent, out var request)) return;
        switch (channel)
        {
            case KernelChannel.IoPub:
                request.OnIoPub(message);
                if (request.IdleSeen && request.Reply.IsCompleted) _pending.TryRemove(parent, out _);
                break;
            case KernelChannel.Shell or KernelChannel.Control:
                request.OnReply(message);
                if (request.IdleSeen) _pending.TryRemove(parent, out _);
                break;
        }
    }

    private void OnBadMessage(KernelChannel channel, Exception error) => RejectedMessages++;

    /// <summary>Waits (briefly) for the rest of stderr: its last lines usually say why the kernel died.</summary>
    private async Task<string> FinalStderrAsync()
    {
        await _process.StderrClosed.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default);
        return StderrTail;
    }

    private async Task OnExitedAsync(int? exitCode)
    {
        await FinalStderrAsync();
        var error = new KernelDiedException(exitCode, StderrTail);
        foreach (var request in _pending.Values) request.Fail(error);
        _pending.Clear();
    }

    /// <summary>
    /// Shuts down every kernel this process still has (a host exiting with chunks in flight): none outlives the
    /// host, and no socket is left open when NetMQ's context is torn down.
    /// </summary>
    public static async Task ShutdownAllAsync(TimeSpan grace)
    {
        lock (LaunchLock) _closing = true;
        await Task.WhenAll(Live.Keys.Select(k => k.DisposeWithGraceAsync(grace)));
        await KernelForkServer.ShutdownAllAsync(grace);
    }

    private async Task DisposeWithGraceAsync(TimeSpan grace)
    {
        if (IsAlive) await ShutdownAsync(grace);
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Live.TryRemove(this, out _);
        // Killed, not asked: whoever disposes a kernel is done with it (its cells answered, or were given up on), and
        // a polite shutdown only adds the kernel's exit work to every chunk. Hosts that stop ask first
        // (ShutdownAllAsync). This was always the effect: the shutdown request could not be sent once disposed.
        if (IsAlive) await KillAndWaitAsync();
        _channels?.Dispose();
        _process.Dispose();
        // After the exit: a cgroup can only be removed once its processes are gone.
        MemoryLimit?.Dispose();
        try
        {
            File.Delete(_connectionFile);
        }
        catch (IOException)
        {
            // Left in the temp folder; harmless without the kernel.
        }
    }
}
