using System.Diagnostics;
using System.Net;
using Azure.Storage.Blobs;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// Storage killed outright (SIGKILL: Azurite saves its tables and queues every few seconds, so it forgets the last
/// ones) right after a run was accepted, on a private Azurite this test owns: the run is never silently lost.
/// </summary>
public sealed class StorageChaosTests
{
    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'";

    [Fact]
    public async Task A_run_accepted_just_before_storage_was_killed_is_started_again_from_the_journal_and_completes_exactly()
    {
        var folder = NbfProcess.TempFolder();
        await using var azurite = await PrivateAzurite.StartAsync(Path.Combine(folder, "azurite"));
        var environment = new Dictionary<string, string>
        {
            ["NBF_STORAGE"] = azurite.ConnectionString,
            ["NBF_TASK_HUB"] = $"nbfc{Guid.NewGuid():N}"[..16],
            ["NBF_AZURITE_DATA"] = Path.Combine(folder, "azurite"),
        };
        var notebook = TestNotebooks.Write(folder, "copy.ipynb", Parameters,
            "import os, pandas as pd\ndf = pd.read_csv(input_path)\ndf['v'] = df['v'] * 3\ndf.to_csv(os.path.join(output_dir, 'out.csv'), index=False)");
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, "v\n" + string.Concat(Enumerable.Range(0, 400).Select(i => $"{i}\n")));

        // A first run publishes the notebook and uploads the input; then storage has time to save them.
        var first = await NbfProcess.RunAsync(environment, "run", notebook, "--input", data, "--split", "1KB", "--run-id", "first");
        Assert.True(first.ExitCode == 0, first.Stderr);
        await Task.Delay(TimeSpan.FromSeconds(7));

        // Accepted, then storage is killed before its next save.
        var accepted = await NbfProcess.RunAsync(environment, "run", "copy", "--input", "inputs/first/", "--split", "1KB", "--detach");
        azurite.Kill();
        Assert.True(accepted.ExitCode == 0, accepted.Stderr);
        var runId = accepted.Stdout.Trim();
        await azurite.RestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(6));

        var resumed = await NbfProcess.RunAsync(environment, "resume");

        Assert.True(resumed.ExitCode == 0, $"{resumed.Stderr}");
        Assert.Contains($"run {runId} Completed", resumed.Stderr);
        var blobs = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("runs");
        var expected = (await blobs.GetBlobClient("first/results/out.csv").DownloadContentAsync()).Value.Content.ToString();
        var again = (await blobs.GetBlobClient($"{runId}/results/out.csv").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(expected, again);
    }

    /// <summary>An Azurite of this test's own, on free ports, that it may kill and start again on the same data.</summary>
    private sealed class PrivateAzurite : IAsyncDisposable
    {
        private readonly string _location;
        private readonly int[] _ports;
        private Process _process;

        private PrivateAzurite(string location, int[] ports, Process process)
        {
            _location = location;
            _ports = ports;
            _process = process;
        }

        public string ConnectionString =>
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{_ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{_ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{_ports[2]}/devstoreaccount1;";

        public static async Task<PrivateAzurite> StartAsync(string location)
        {
            Directory.CreateDirectory(location);
            int[] ports = [FreePort(), FreePort(), FreePort()];
            return new PrivateAzurite(location, ports, await LaunchAsync(location, ports));
        }

        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public async Task RestartAsync() => _process = await LaunchAsync(_location, _ports);

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) Kill();
            _process.Dispose();
            await Task.CompletedTask;
        }

        private static async Task<Process> LaunchAsync(string location, int[] ports)
        {
            var info = new ProcessStartInfo(Executable()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
            {
                "--blobHost", "127.0.0.1", "--blobPort", $"{ports[0]}", "--queueHost", "127.0.0.1", "--queuePort", $"{ports[1]}",
                "--tableHost", "127.0.0.1", "--tablePort", $"{ports[2]}", "--location", location, "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
            })
                info.ArgumentList.Add(arg);
            var process = Process.Start(info)!;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!ports.All(Listening))
            {
                Assert.True(DateTime.UtcNow < deadline && !process.HasExited, "the private Azurite did not start");
                await Task.Delay(200);
            }

            return process;
        }

        private static bool Listening(int port)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }

        private static string Executable()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ".tools", "azurite", "node_modules", ".bin", "azurite");
                if (File.Exists(candidate)) return candidate;
            }

            throw new InvalidOperationException("Azurite is not installed in .tools/azurite (scripts/azurite.sh install)");
        }

        private static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
