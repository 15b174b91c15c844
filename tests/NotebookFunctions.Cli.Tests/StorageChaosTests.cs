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

        // A first run publishes the notebook and uploads the input (--upload: the second run reads it from storage); then storage has time to save them.
        var first = await NbfProcess.RunAsync(environment, "run", notebook, "--input", data, "--split", "1KB", "--run-id", "first", "--upload");
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

    [Fact]
    public async Task While_storage_is_down_the_api_answers_503_problems_and_it_recovers_by_itself()
    {
        var folder = NbfProcess.TempFolder();
        await using var azurite = await PrivateAzurite.StartAsync(Path.Combine(folder, "azurite"));
        var port = LoopbackPorts.Free();
        var environment = new Dictionary<string, string>
        {
            ["NBF_STORAGE"] = azurite.ConnectionString,
            ["NBF_TASK_HUB"] = $"nbfd{Guid.NewGuid():N}"[..16],
            ["NBF_AZURITE_DATA"] = Path.Combine(folder, "azurite"),
            ["NBF_API_KEY"] = "down-key",
        };
        using var serve = NbfProcess.Start(environment, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--incoming", "incoming-down");
        var stderr = serve.StandardError.ReadToEndAsync();
        try
        {
            Assert.Equal($"listening http://127.0.0.1:{port}/", await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90)));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
            http.DefaultRequestHeaders.Add("X-API-Key", "down-key");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/notebooks")).StatusCode);

            azurite.Kill();
            using var down = await http.GetAsync("api/notebooks");
            var problem = await down.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(down.Headers.RetryAfter);
            Assert.Contains("correlationId", problem);

            await azurite.RestartAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            HttpStatusCode status;
            while ((status = (await http.GetAsync("api/notebooks")).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline) await Task.Delay(500);
            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            if (!serve.HasExited) Core.Kernels.ProcessSignals.Send(serve.Id, Core.Kernels.ProcessSignals.Terminate);
            await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // The outage is in nbf serve's log, with the correlation id the caller was given.
        Assert.Contains("storage or the task hub is unreachable", await stderr);
    }

    [Fact]
    public async Task Killing_the_process_group_of_nbf_run_leaves_the_storage_it_started_running_and_resume_completes_the_run()
    {
        var folder = NbfProcess.TempFolder();
        int[] ports = [LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free()];
        var environment = new Dictionary<string, string>
        {
            // A storage of this test's own, which nbf starts itself (the shared one listens on the default ports).
            ["NBF_AZURITE_PORTS"] = string.Join(',', ports),
            ["NBF_AZURITE_DATA"] = Path.Combine(folder, "azurite"),
            ["NBF_TASK_HUB"] = $"nbfg{Guid.NewGuid():N}"[..16],
        };
        var notebook = TestNotebooks.Write(folder, "group.ipynb", Parameters,
            "import os, time, pandas as pd\ntime.sleep(2)\npd.read_csv(input_path).to_csv(os.path.join(output_dir, 'rows.csv'), index=False)");
        var data = Path.Combine(folder, "data.csv");
        var csv = "v\n" + string.Concat(Enumerable.Range(0, 600).Select(i => $"{i}\n"));
        await File.WriteAllTextAsync(data, csv);
        try
        {
            // nbf as the leader of a process group of its own, as a terminal or a service manager runs it.
            using var group = NbfProcess.Start(environment, ["run", notebook, "--input", data, "--split", "1KB", "--run-id", "grouped"], viaSetsid: true);
            _ = group.StandardError.ReadToEndAsync();
            Assert.Equal("grouped", await group.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)));
            await Task.Delay(TimeSpan.FromSeconds(3));
            var storagePid = int.Parse(File.ReadAllText(Path.Combine(folder, "azurite", "azurite.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

            // The whole group, as closing the terminal (SIGHUP) or a service manager's stop would reach it, but harder.
            Core.Kernels.ProcessSignals.Send(-group.Id, Core.Kernels.ProcessSignals.Kill);
            await group.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.True(Directory.Exists($"/proc/{storagePid}"), "the storage nbf started died with nbf's process group");
            var resumed = await NbfProcess.RunAsync(environment, "resume");
            Assert.True(resumed.ExitCode == 0, resumed.Stderr);
            Assert.Contains("run grouped Completed", resumed.Stderr);
            var blobs = new BlobServiceClient(Core.Storage.BlobServiceFactory.DevelopmentStorageOn(ports[0], ports[1], ports[2])).GetBlobContainerClient("runs");
            Assert.Equal(csv, (await blobs.GetBlobClient("grouped/results/rows.csv").DownloadContentAsync()).Value.Content.ToString());
        }
        finally
        {
            var stopped = await NbfProcess.RunAsync(environment, "storage", "stop");
            Assert.True(stopped.ExitCode == 0, stopped.Stderr);
        }
    }

}
