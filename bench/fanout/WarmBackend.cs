using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

/// <summary>
/// A backend that is already up, as a deployed one is: `nbf serve` started once (its host, sidecar, task hub and
/// worker warm), the notebook published through its API, and each run submitted with POST /api/runs and timed until
/// GET /api/runs/{id} says it ended. What a team's production runs pay, without a host's start in every figure.
/// </summary>
internal sealed class WarmBackend : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private WarmBackend(Process process, HttpClient http)
    {
        _process = process;
        _http = http;
    }

    public int Pid => _process.Id;

    public static async Task<WarmBackend> StartAsync(string nbf, string workingDirectory, string taskHub)
    {
        var port = FreePort();
        var key = $"bench-{Guid.NewGuid():N}";
        var info = new ProcessStartInfo(nbf) { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // Its own incoming container: blobs left in the shared one would start runs of their own beside the measured ones.
        foreach (var a in new[] { "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--incoming", $"bench-incoming-{taskHub}" }) info.ArgumentList.Add(a);
        info.Environment["NBF_TASK_HUB"] = taskHub;
        info.Environment["NBF_API_KEY"] = key;
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var listening = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (listening?.StartsWith("listening ", StringComparison.Ordinal) != true) throw new InvalidOperationException($"nbf serve said '{listening}' instead of listening");
        _ = process.StandardOutput.ReadToEndAsync();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("X-API-Key", key);
        return new WarmBackend(process, http);
    }

    public async Task PublishAsync(string name, string notebookPath)
    {
        using var response = await _http.PutAsync($"api/notebooks/{name}", new StringContent(await File.ReadAllTextAsync(notebookPath), Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"publishing {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// Submits a run of <paramref name="notebook"/> over container/prefix and waits for its manifest (written last, as
    /// the run ends), polling storage every 50 ms rather than the API, whose run view would cost the backend CPU the
    /// run needs; then checks through the API that it Completed. Returns the seconds from submit to the manifest seen.
    /// </summary>
    public async Task<double> RunAsync(string notebook, string container, string prefix, string chunkSize, int parallel)
    {
        var clock = Stopwatch.StartNew();
        using var submitted = await _http.PostAsJsonAsync("api/runs", new { notebook, input = new { container, prefix, chunkSize }, maxParallelChunks = parallel, maxAttempts = 1 });
        var body = JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!;
        if (!submitted.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/runs: {(int)submitted.StatusCode} {body.ToJsonString()}");
        var id = body["id"]!.GetValue<string>();
        var manifest = new Azure.Storage.Blobs.BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("runs").GetBlobClient($"{id}/manifest.json");
        while (!await manifest.ExistsAsync()) await Task.Delay(50);
        var seconds = clock.Elapsed.TotalSeconds;
        // The orchestration ends a moment after its manifest is written.
        string status;
        while ((status = JsonNode.Parse(await _http.GetStringAsync($"api/runs/{id}"))!["status"]!.GetValue<string>()) is "Pending" or "Running") await Task.Delay(50);
        return status == "Completed" ? seconds : throw new InvalidOperationException($"run {id} ended {status}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM: nbf serve stops its host and kernels as on Ctrl+C.
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            if (!await Task.Run(() => _process.WaitForExit(30_000))) _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
