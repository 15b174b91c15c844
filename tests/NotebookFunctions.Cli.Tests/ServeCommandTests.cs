using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Cli.Tests;

/// <summary><c>nbf serve</c> as a user starts it: the API on loopback behind a key, the durable host on Azurite, blob arrivals picked up.</summary>
/// <remarks>In the "nbf serve" collection: every served host polls the shared incoming/ container, so two at once would race for its blobs.</remarks>
[Collection(ServeProcess.Collection)]
public sealed class ServeCommandTests
{

    [Fact]
    public async Task Serve_publishes_over_http_runs_a_blob_dropped_into_incoming_and_reports_the_run()
    {
        var port = LoopbackPorts.Free();
        var environment = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfs{Guid.NewGuid():N}"[..16], ["NBF_API_KEY"] = "serve-test-key" };
        // Its own incoming container: other tests' blobs in the shared Azurite are not this host's to run.
        var incomingContainer = $"incoming-{Guid.NewGuid():N}"[..24];
        using var serve = NbfProcess.Start(environment, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--incoming", incomingContainer);
        var stderr = serve.StandardError.ReadToEndAsync();
        try
        {
            var listening = await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90));
            Assert.Equal($"listening http://127.0.0.1:{port}/", listening);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/notebooks")).StatusCode);
            http.DefaultRequestHeaders.Add("X-API-Key", "serve-test-key");

            var folder = NbfProcess.TempFolder();
            var notebookPath = TestNotebooks.Write(folder, "count.ipynb", "input_path = 'x'\noutput_dir = 'o'",
                "import os\nos.makedirs(output_dir, exist_ok=True)\nopen(os.path.join(output_dir, 'lines.txt'), 'w').write(str(len(open(input_path).read().splitlines())) + '\\n')");
            var name = $"count-{Guid.NewGuid():N}"[..14];
            var publish = await http.PutAsync($"api/notebooks/{name}", new StringContent(await File.ReadAllTextAsync(notebookPath), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, publish.StatusCode);

            var blobs = BlobServiceFactory.Create(Environment.GetEnvironmentVariable("NBF_TEST_STORAGE") ?? BlobServiceFactory.DevelopmentStorage);
            var incoming = blobs.GetBlobContainerClient(incomingContainer);
            await incoming.CreateIfNotExistsAsync();
            await incoming.GetBlobClient($"{name}/batch.csv").UploadAsync(BinaryData.FromString("a\n1\n2\n3\n"), overwrite: true);

            var run = await WaitForRunAsync(http, name);
            Assert.Equal("Completed", run["status"]!.GetValue<string>());
            var merged = await new RunStore(blobs).DownloadTextAsync($"{run["id"]}/results/lines.txt");
            Assert.Equal("4\n", merged);

            // nbf publish against this server: name -> version, idempotent, a credential refused before it travels.
            var keyed = new Dictionary<string, string> { ["NBF_API_KEY"] = "serve-test-key" };
            var publishName = $"pub-{Guid.NewGuid():N}"[..16];
            var toPublish = TestNotebooks.Write(folder, publishName + ".ipynb", "x = 1", "print(x)");
            var published = await NbfProcess.RunAsync(keyed, "publish", toPublish, "--local", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var again = await NbfProcess.RunAsync(keyed, "publish", toPublish, "--local", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var leaky = TestNotebooks.Write(folder, "leaky.ipynb", "x = 1", "token = 'ghp_" + "0123456789abcdefghijABCDEFGHIJ0123456789'");
            var refused = await NbfProcess.RunAsync(keyed, "publish", leaky, "--local", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var unauthorized = await NbfProcess.RunAsync("publish", notebookPath, "--local", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.True(published.ExitCode == 0, published.Stderr);
            Assert.Matches($"^{publishName} -> [0-9a-f]{{64}}\n$", published.Stdout);
            Assert.EndsWith("(unchanged)\n", again.Stdout);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("github-token", refused.Stderr);
            Assert.Equal(7, unauthorized.ExitCode);
            Assert.Contains("401", unauthorized.Stderr);

            // SIGTERM (a service manager, docker stop) stops it cleanly, kernels included.
            Core.Kernels.ProcessSignals.Send(serve.Id, Core.Kernels.ProcessSignals.Terminate);
            await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Contains("nbf serve: stopping", await stderr);
            Assert.Empty(await KernelProcesses.WaitUntilGoneAsync(serve.Id, TimeSpan.FromSeconds(10)));
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
            _ = await stderr;
        }
    }

    private static async Task<JsonObject> WaitForRunAsync(HttpClient http, string notebook)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var list = await http.GetFromJsonAsync<JsonObject>($"api/runs?notebook={notebook}");
            if (list!["runs"]!.AsArray().FirstOrDefault() is JsonObject summary)
            {
                var run = await http.GetFromJsonAsync<JsonObject>($"api/runs/{summary["id"]}");
                if (run!["status"]!.GetValue<string>() is not ("Pending" or "Running")) return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no finished run of {notebook} yet");
            await Task.Delay(500);
        }
    }
}
