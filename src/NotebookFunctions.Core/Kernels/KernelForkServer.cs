using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Kernels;

/// <summary>
/// A Python process that has imported ipykernel (and the pool's pre-imports) once and forks a fresh kernel per
/// request, so a kernel costs milliseconds of CPU instead of ~0.5 s (nbf_ipykernel_forkserver.py says how).
/// One server per interpreter and warm-up code; a server that fails to start is not used, and kernels are spawned
/// from their argv as before. NBF_KERNEL_FORK=0 turns forking off.
/// </summary>
internal sealed class KernelForkServer
{
    private const string ScriptResource = "NotebookFunctions.Core.Kernels.nbf_ipykernel_forkserver.py";
    private static readonly TimeSpan ForkTimeout = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<(string Python, string Warmup), Lazy<Task<KernelForkServer?>>> Servers = new();

    private readonly Process _process;
    private readonly ConcurrentDictionary<int, ForkedKernelProcess> _kernels = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<int>> _forks = new();
    private readonly TaskCompletionSource<JsonObject> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TailBuffer _stderr = new();
    private readonly Lock _writeLock = new();
    private long _nextId;

    private KernelForkServer(Process process) => _process = process;

    public static bool Enabled => !OperatingSystem.IsWindows() && Environment.GetEnvironmentVariable("NBF_KERNEL_FORK") is not ("0" or "false");

    /// <summary>
    /// The kernel arguments when argv is "{absolute python} -m ipykernel_launcher|ipykernel ...", the only launch a
    /// fork can stand in for exactly; null for anything else (wrapper scripts, other languages, extra interpreter flags).
    /// </summary>
    public static IReadOnlyList<string>? KernelArguments(IReadOnlyList<string> argv) =>
        argv.Count >= 3 && Path.IsPathRooted(argv[0]) && File.Exists(argv[0]) && argv[1] == "-m"
            && argv[2] is "ipykernel_launcher" or "ipykernel"
            ? argv.Skip(3).ToList()
            : null;

    /// <summary>The running server for this interpreter and warm-up, started on first use; null if it cannot start.</summary>
    public static async Task<KernelForkServer?> ForAsync(string python, string warmup, CancellationToken cancellationToken)
    {
        var key = (python, warmup);
        var lazy = Servers.GetOrAdd(key, k => new Lazy<Task<KernelForkServer?>>(() => StartAsync(k.Python, k.Warmup)));
        var server = await lazy.Value.WaitAsync(cancellationToken);
        if (server is null || server._process.HasExited)
        {
            // Forget a failed or dead server, so the next kernel tries a new one.
            Servers.TryRemove(new KeyValuePair<(string, string), Lazy<Task<KernelForkServer?>>>(key, lazy));
            return null;
        }

        return server;
    }

    private static async Task<KernelForkServer?> StartAsync(string python, string warmup)
    {
        // A fresh private copy of the script per server, deleted once Python has read it.
        var script = Path.Combine(Path.GetTempPath(), $"nbf_ipykernel_forkserver_{Guid.NewGuid():N}.py");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var resource = typeof(KernelForkServer).Assembly.GetManifestResourceStream(ScriptResource)
            ?? throw new InvalidOperationException($"resource {ScriptResource} is missing"))
        await using (var file = new FileStream(script, options))
        {
            await resource.CopyToAsync(file);
        }

        var info = new ProcessStartInfo(python)
        {
            WorkingDirectory = Path.GetTempPath(),
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(warmup);
        // Kernels inherit this environment (the host's, never a run's secrets: those come with each fork request).
        info.Environment["JPY_PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        info.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";
        var process = new Process { StartInfo = info };
        var server = new KernelForkServer(process);
        try
        {
            process.Start();
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server._stderr.Add(e.Data); };
            process.BeginErrorReadLine();
            new Thread(server.ReadEvents) { IsBackground = true, Name = "nbf kernel fork server" }.Start();
            var ready = await server._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return ready["event"]?.GetValue<string>() == "ready" ? server : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException or InvalidOperationException)
        {
            server.Kill();
            return null;
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>Forks a kernel: <paramref name="arguments"/> are what followed "-m ipykernel_launcher" in argv.</summary>
    public ForkedKernelProcess Fork(IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var id = Interlocked.Increment(ref _nextId);
        var forked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _forks[id] = forked;
        var env = new JsonObject();
        foreach (var (key, value) in environment) env[key] = value;
        var request = new JsonObject
        {
            ["id"] = id,
            ["argv"] = new JsonArray([.. arguments.Select(a => (JsonNode?)a)]),
            ["cwd"] = workingDirectory,
            ["env"] = env,
        };
        try
        {
            lock (_writeLock)
            {
                _process.StandardInput.WriteLine(request.ToJsonString());
                _process.StandardInput.Flush();
            }

            // The reply comes from a dedicated thread within milliseconds; a blocked thread pool cannot delay it.
            if (!forked.Task.Wait(ForkTimeout))
                throw new KernelStartException($"the kernel fork server did not fork within {ForkTimeout.TotalSeconds:0} s: {_stderr}");
            return _kernels[forked.Task.Result];
        }
        catch (AggregateException e) when (e.InnerException is KernelStartException inner)
        {
            throw inner;
        }
        catch (IOException e)
        {
            throw new KernelStartException($"the kernel fork server is gone: {_stderr}", e);
        }
        finally
        {
            _forks.TryRemove(id, out _);
        }
    }

    private void ReadEvents()
    {
        try
        {
            while (_process.StandardOutput.ReadLine() is { } line)
            {
                if (JsonNode.Parse(line) is JsonObject message) OnEvent(message);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or ObjectDisposedException)
        {
            _stderr.Add($"fork server output unreadable: {e.Message}");
        }

        // The server is gone: so are the kernels it forked (it kills them), and nothing more will be forked.
        _process.WaitForExit(1000);
        _ready.TrySetResult(new JsonObject { ["event"] = "exited" });
        var why = $"the kernel fork server exited: {_stderr}";
        foreach (var pending in _forks.Values) pending.TrySetException(new KernelStartException(why));
        foreach (var kernel in _kernels.Values)
        {
            kernel.OnStderr(why);
            kernel.OnStderrClosed();
            kernel.OnExited(null);
        }
    }

    private void OnEvent(JsonObject message)
    {
        var pid = message["pid"]?.GetValue<int>() ?? 0;
        switch (message["event"]?.GetValue<string>())
        {
            case "ready":
                _ready.TrySetResult(message);
                break;
            case "forked":
                _kernels[pid] = new ForkedKernelProcess(pid);
                if (_forks.TryGetValue(message["id"]!.GetValue<long>(), out var forked)) forked.TrySetResult(pid);
                break;
            case "stderr":
                if (_kernels.TryGetValue(pid, out var writer)) writer.OnStderr(message["line"]?.GetValue<string>() ?? string.Empty);
                break;
            case "closed":
                if (_kernels.TryGetValue(pid, out var closed))
                {
                    closed.OnStderrClosed();
                    ForgetWhenDone(closed);
                }

                break;
            case "exit":
                if (_kernels.TryGetValue(pid, out var exited))
                {
                    exited.OnExited(message["code"]?.GetValue<int>());
                    ForgetWhenDone(exited);
                }

                break;
            case "failed":
                var error = message["error"]?.GetValue<string>() ?? "unknown error";
                _stderr.Add(error);
                if (message["id"] is JsonValue id && _forks.TryGetValue(id.GetValue<long>(), out var failed))
                    failed.TrySetException(new KernelStartException($"the kernel fork server could not fork: {error}"));
                else
                    _ready.TrySetResult(message);
                break;
        }
    }

    /// <summary>Exit and end of stderr come in either order; the kernel is forgotten after both.</summary>
    private void ForgetWhenDone(ForkedKernelProcess kernel)
    {
        if (kernel.Exited.IsCompleted && kernel.StderrClosed.IsCompleted) _kernels.TryRemove(kernel.Id, out _);
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
    }

    /// <summary>Stops every server: closing its stdin makes it kill what it forked and exit.</summary>
    public static async Task ShutdownAllAsync(TimeSpan grace)
    {
        var servers = new List<KernelForkServer>();
        foreach (var lazy in Servers.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && lazy.Value.Result is { } server) servers.Add(server);
        }

        Servers.Clear();
        foreach (var server in servers)
        {
            try
            {
                server._process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }
        }

        foreach (var server in servers)
        {
            await server._process.WaitForExitAsync().WaitAsync(grace).ContinueWith(_ => { }, TaskScheduler.Default);
            server.Kill();
        }
    }
}
