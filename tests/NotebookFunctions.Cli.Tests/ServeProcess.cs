using System.Diagnostics;
using System.Net;

namespace NotebookFunctions.Cli.Tests;

/// <summary>An <c>nbf serve</c> process on a free loopback port with its own task hub and API key, stopped with SIGTERM.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    /// <summary>Tests that serve run one at a time: every served host polls the shared incoming/ container.</summary>
    public const string Collection = "nbf serve";

    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ServeProcess(Process process, Task<string> stderr, int port, string apiKey, string taskHub)
    {
        _process = process;
        _stderr = stderr;
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
        var port = LoopbackPorts.Free();
        var apiKey = $"key-{Guid.NewGuid():N}";
        var hub = $"nbfv{Guid.NewGuid():N}"[..16];
        var process = NbfProcess.Start(new Dictionary<string, string> { ["NBF_TASK_HUB"] = hub, ["NBF_API_KEY"] = apiKey }, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--incoming", $"incoming-{Guid.NewGuid():N}"[..24]);
        var stderr = process.StandardError.ReadToEndAsync();
        var listening = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal($"listening http://127.0.0.1:{port}/", listening);
        return new ServeProcess(process, stderr, port, apiKey, hub);
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

        _ = await _stderr;
        _process.Dispose();
    }

}
