using System.Diagnostics;
using System.Net;

namespace NotebookFunctions.Cli.Tests;

/// <summary>An <c>nbf serve</c> process on a free loopback port with its own task hub and API key, stopped with SIGTERM.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    /// <summary>Tests that serve run one at a time: every served host polls the shared incoming/ container.</summary>
    public const string Collection = "nbf serve";

    private readonly Process _process;
    private readonly Task _stderr;
    private readonly List<string> _stderrLines;

    private ServeProcess(Process process, Task stderr, List<string> stderrLines, int port, string apiKey, string taskHub)
    {
        _process = process;
        _stderr = stderr;
        _stderrLines = stderrLines;
        Port = port;
        ApiKey = apiKey;
        TaskHub = taskHub;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
        Http.DefaultRequestHeaders.Add("X-API-Key", apiKey);
    }

    public int Port { get; }

    public string ApiKey { get; }

    public string TaskHub { get; }

    public int Pid => _process.Id;

    /// <summary>An HTTP client of the API, signed in with the key.</summary>
    public HttpClient Http { get; }

    public string ApiUrl => $"http://127.0.0.1:{Port}/api";

    public static async Task<ServeProcess> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPorts.Free();
            var apiKey = $"key-{Guid.NewGuid():N}";
            var hub = $"nbfv{Guid.NewGuid():N}"[..16];
            var process = NbfProcess.Start(new Dictionary<string, string> { ["NBF_TASK_HUB"] = hub, ["NBF_API_KEY"] = apiKey }, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--incoming", $"incoming-{Guid.NewGuid():N}"[..24]);
            // Read as it is written (what nbf serve tells a person, such as its sign-in link, comes before it exits).
            var lines = new List<string>();
            var stderr = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync() is { } line)
                    lock (lines) lines.Add(line);
            });
            var listening = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90));
            if (listening is null)
            {
                // It stopped before listening: say why. The free port can be taken between choosing it and binding
                // it (the kernels other tests start bind ports too): then another port, as a person would.
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                await stderr;
                var said = string.Join('\n', lines);
                if (attempt < 3 && said.Contains("address already in use", StringComparison.OrdinalIgnoreCase)) continue;
                Assert.Fail($"nbf serve exited {process.ExitCode} before listening on {port}: {said}");
            }

            Assert.Equal($"listening http://127.0.0.1:{port}/", listening);
            return new ServeProcess(process, stderr, lines, port, apiKey, hub);
        }
    }

    /// <summary>The first line nbf serve wrote to stderr that matches, waiting for it up to <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForStderrLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_stderrLines)
                if (_stderrLines.FirstOrDefault(match) is { } line) return line;
            Assert.True(DateTime.UtcNow < deadline && !_process.HasExited, $"nbf serve wrote no such line; its stderr: {string.Join('\n', _stderrLines)}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) Core.Kernels.ProcessSignals.Send(_process.Id, Core.Kernels.ProcessSignals.Terminate);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _stderr;
        _process.Dispose();
    }

}
