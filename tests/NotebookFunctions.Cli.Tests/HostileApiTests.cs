using System.Net;
using System.Text;
using Azure.Storage.Blobs;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// nbf against an API that lies, redirects or is not the API at all (a real HTTP server on loopback playing the
/// part), and a careless local run: nothing is written outside the folder asked for, no key travels elsewhere, and a
/// refused run leaves nothing behind.
/// </summary>
public sealed class HostileApiTests
{
    [Fact]
    public async Task Results_from_an_api_naming_files_outside_the_run_write_nothing_outside_the_folder()
    {
        var folder = NbfProcess.TempFolder();
        var outside = Path.Combine(folder, "escape.txt");
        var absolute = Path.Combine(folder, "absolute.txt");
        await using var api = FakeApi.Start(request => request.Url!.AbsolutePath.EndsWith("/files", StringComparison.Ordinal)
            ? (200, "application/json", $"{{\"files\": [{{\"path\": \"results/ok.csv\", \"size\": 1}}, {{\"path\": \"../escape.txt\", \"size\": 1}}, {{\"path\": \"{absolute}\", \"size\": 1}}]}}")
            : (200, "text/plain", "x"));

        var result = await NbfProcess.RunAsync("results", "some-run", "-o", Path.Combine(folder, "out"), "--api", api.Url);

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("refusing '../escape.txt'", result.Stderr);
        Assert.False(File.Exists(outside));
        Assert.False(File.Exists(absolute));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_keys_never_reach_another_host()
    {
        var reached = 0;
        await using var elsewhere = FakeApi.Start(_ =>
        {
            Interlocked.Increment(ref reached);
            return (200, "application/json", "{}");
        });
        await using var api = FakeApi.Start(_ => (302, "text/plain", elsewhere.Url + "/runs/x"));

        var result = await NbfProcess.RunAsync("status", "x", "--api", api.Url, "--api-key", "k-secret", "--function-key", "f-secret");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("does not follow redirects", result.Stderr);
        Assert.Equal(0, reached);
    }

    [Fact]
    public async Task An_answer_that_is_not_the_apis_json_is_an_unavailable_api_not_a_crash()
    {
        await using var api = FakeApi.Start(_ => (200, "text/html", "<html>sign in</html>"));

        var result = await NbfProcess.RunAsync("status", "x", "--api", api.Url);
        var credentials = await NbfProcess.RunAsync("status", "x", "--api", "http://user:p4ssw0rd@127.0.0.1:1/api");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("not the API's JSON", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Equal(2, credentials.ExitCode);
        Assert.DoesNotContain("p4ssw0rd", credentials.Stderr);
    }

    [Fact]
    public async Task A_local_run_refused_for_its_options_uploads_nothing()
    {
        var folder = NbfProcess.TempFolder();
        var notebook = TestNotebooks.Write(folder, "refused.ipynb", "input_path = 'x'\noutput_dir = 'o'", "print(1)");
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, "a\n1\n");
        var runId = $"refused-{Guid.NewGuid():N}"[..20];
        var hub = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfr{Guid.NewGuid():N}"[..16] };

        var result = await NbfProcess.RunAsync(hub, "run", notebook, "--input", data, "--run-id", runId, "--max-attempts", "50");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("(field 'maxAttempts')", result.Stderr);
        var inputs = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("inputs");
        await inputs.CreateIfNotExistsAsync();
        await foreach (var blob in inputs.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = runId + "/" }))
            Assert.Fail($"a refused run uploaded {blob.Name}");
    }

    /// <summary>An HTTP server on loopback answering every request with what the test says.</summary>
    private sealed class FakeApi : IAsyncDisposable
    {
        private readonly HttpListener _listener;
        private readonly Task _loop;

        private FakeApi(HttpListener listener, Func<HttpListenerRequest, (int Status, string ContentType, string Body)> answer, string url)
        {
            _listener = listener;
            Url = url;
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    var (status, contentType, body) = answer(context.Request);
                    context.Response.StatusCode = status;
                    if (status is >= 300 and < 400) context.Response.RedirectLocation = body;
                    context.Response.ContentType = contentType;
                    var bytes = Encoding.UTF8.GetBytes(body);
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });
        }

        /// <summary>The base URL, as --api takes it.</summary>
        public string Url { get; }

        public static FakeApi Start(Func<HttpListenerRequest, (int Status, string ContentType, string Body)> answer)
        {
            var port = LoopbackPorts.Free();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            return new FakeApi(listener, answer, $"http://127.0.0.1:{port}/api");
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }
}
