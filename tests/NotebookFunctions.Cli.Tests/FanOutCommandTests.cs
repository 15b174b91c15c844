using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// <c>nbf run --input</c> and the run commands on the local durable host, as processes, against the Azurite that
/// scripts/test.sh starts; each test has its own task hub. Kills are real SIGKILLs.
/// </summary>
public sealed class FanOutCommandTests
{
    private const string Storage = "UseDevelopmentStorage=true";

    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0\nmin_value: int = 0\npause = 0.0";

    private static readonly string[] Cells =
    [
        "import os, time, pandas as pd",
        "time.sleep(pause)\ndf = pd.read_csv(input_path)\nkept = df[df['value'] >= min_value]\nkept.to_csv(os.path.join(output_dir, 'kept.csv'), index=False)\n" +
        "with open(os.path.join(output_dir, 'chunks.jsonl'), 'w') as f:\n    f.write('{\"chunk\": %d, \"rows\": %d}\\n' % (chunk_index, len(kept)))",
    ];

    private static string Csv(int rows) => "id,value\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{i * 7 % 100}\n"));

    private static Dictionary<string, string> Hub() => new() { ["NBF_TASK_HUB"] = $"nbft{Guid.NewGuid():N}"[..16] };

    private static async Task<string?> ResultAsync(string runId, string name)
    {
        var blob = new BlobServiceClient(Storage).GetBlobContainerClient("runs").GetBlobClient($"{runId}/results/{name}");
        return await blob.ExistsAsync() ? (await blob.DownloadContentAsync()).Value.Content.ToString() : null;
    }

    private static async Task<int> ChunkNotebooksAsync(string runId)
    {
        var count = 0;
        await foreach (var item in new BlobServiceClient(Storage).GetBlobContainerClient("runs").GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{runId}/chunks/" }))
        {
            if (item.Name.EndsWith("/output.ipynb", StringComparison.Ordinal)) count++;
        }

        return count;
    }

    [Fact]
    public async Task A_local_CSV_is_fanned_out_merged_and_downloadable()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "filter.ipynb", Parameters, Cells);
        var data = Path.Combine(dir, "data.csv");
        await File.WriteAllTextAsync(data, Csv(3000));
        var hub = Hub();
        var runId = $"fan-{Guid.NewGuid():N}"[..16];

        var run = await NbfProcess.RunAsync(hub, "run", nb, "--input", data, "--split", "8KB", "--parallel", "2", "--run-id", runId, "-p", "min_value=50");
        var status = await NbfProcess.RunAsync(hub, "status", runId);
        var results = await NbfProcess.RunAsync(hub, "results", runId, "-o", Path.Combine(dir, "results"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains($"run {runId} Completed", run.Stderr);
        var expected = "id,value\n" + string.Concat(Enumerable.Range(0, 3000).Where(i => i * 7 % 100 >= 50).Select(i => $"{i},{i * 7 % 100}\n"));
        Assert.Equal(expected, await File.ReadAllTextAsync(Path.Combine(dir, "results", "results", "kept.csv")));
        Assert.True(File.Exists(Path.Combine(dir, "results", "manifest.json")));
        Assert.Contains("outcome: Completed", status.Stdout);
        Assert.Equal(0, results.ExitCode);
    }

    [Fact]
    public async Task A_host_killed_mid_run_resumes_and_every_chunk_is_merged_exactly_once()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "slow.ipynb", Parameters, Cells);
        var data = Path.Combine(dir, "data.csv");
        await File.WriteAllTextAsync(data, Csv(4000));
        var hub = Hub();
        var runId = $"crash-{Guid.NewGuid():N}"[..18];

        using (var host = NbfProcess.Start(hub, "run", nb, "--input", data, "--split", "4KB", "--parallel", "2", "--run-id", runId, "-p", "pause=1.5"))
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (await ChunkNotebooksAsync(runId) < 2 && DateTime.UtcNow < deadline) await Task.Delay(200);
            Assert.True(await ChunkNotebooksAsync(runId) >= 2, "the run never got going");
            Assert.NotEmpty(KernelProcesses.StartedBy(host.Id));
            host.Kill(entireProcessTree: false);
            await host.WaitForExitAsync();
            // Its kernels notice their parent is gone (JPY_PARENT_PID) and exit on their own.
            Assert.Empty(await KernelProcesses.WaitUntilGoneAsync(host.Id, TimeSpan.FromSeconds(15)));
        }

        var resumed = await NbfProcess.RunAsync(hub, "resume");

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains($"run {runId} Completed", resumed.Stderr);
        var chunks = (await ResultAsync(runId, "chunks.jsonl"))!.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("chunk").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks);
        Assert.True(chunks.Count >= 8, $"{chunks.Count} chunks");
        Assert.Equal(Csv(4000), await ResultAsync(runId, "kept.csv"));
    }

    [Fact]
    public async Task Cancel_ends_the_run_and_its_kernels()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "long.ipynb", Parameters, Cells);
        var data = Path.Combine(dir, "data.csv");
        await File.WriteAllTextAsync(data, Csv(500));
        var hub = Hub();
        var runId = $"cancel-{Guid.NewGuid():N}"[..19];

        using var host = NbfProcess.Start(hub, "run", nb, "--input", data, "--split", "1KB", "--parallel", "2", "--run-id", runId, "-p", "pause=300");
        var stderr = host.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (KernelProcesses.StartedBy(host.Id).Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(200);
        // Two chunks run (two busy kernels, plus warm ones waiting).
        await Task.Delay(2000);

        var cancel = await NbfProcess.RunAsync(hub, "cancel", runId);
        await host.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
        Assert.Contains($"run {runId} Cancelled", cancel.Stderr);
        var hostOutput = await stderr;
        Assert.True(host.ExitCode == 1, $"exit {host.ExitCode}: {hostOutput}");
        Assert.Contains($"run {runId} Cancelled", hostOutput);
        Assert.Empty(await KernelProcesses.WaitUntilGoneAsync(host.Id, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Cancel_of_a_run_no_host_works_on_says_so_at_once_and_the_next_host_ends_it()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "long.ipynb", Parameters, Cells);
        var data = Path.Combine(dir, "data.csv");
        await File.WriteAllTextAsync(data, Csv(500));
        var hub = Hub();
        var runId = $"orphan-{Guid.NewGuid():N}"[..19];

        // Detached on the local host: stored and scheduled, and no process works on the task hub.
        var started = await NbfProcess.RunAsync(hub, "run", nb, "--input", data, "--split", "1KB", "--run-id", runId, "--detach");
        Assert.True(started.ExitCode == 0, started.Stderr);
        var cancel = await NbfProcess.RunAsync(hub, "cancel", runId);
        var resumed = await NbfProcess.RunAsync(hub, "resume");
        var status = await NbfProcess.RunAsync(hub, "status", runId);

        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
        Assert.Contains($"nbf cancel: run {runId} is cancelled; no host works on task hub {hub["NBF_TASK_HUB"]} now, so it stops as soon as one starts", cancel.Stderr);
        Assert.DoesNotContain("waiting for", cancel.Stderr);
        Assert.Contains($"run {runId}: Cancelled", status.Stdout);
        Assert.DoesNotContain("chunk 0", resumed.Stderr + status.Stdout);
    }

    [Fact]
    public async Task A_host_stopped_with_SIGTERM_gives_its_partitions_back_so_cancel_says_at_once_that_no_host_runs_the_run()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "long.ipynb", Parameters, Cells);
        var data = Path.Combine(dir, "data.csv");
        await File.WriteAllTextAsync(data, Csv(500));
        var hub = Hub();
        var runId = $"stopped-{Guid.NewGuid():N}"[..19];

        using (var host = NbfProcess.Start(hub, "run", nb, "--input", data, "--split", "1KB", "--parallel", "1", "--run-id", runId, "-p", "pause=30"))
        {
            await NbfProcess.UntilAChunkRunsAsync(host);
            await NbfProcess.TerminateAsync(host, TimeSpan.FromSeconds(30));
        }

        // Its leases would otherwise name it for another 15 s, and cancel would wait on a host that is gone.
        var cancel = await NbfProcess.RunAsync(hub, "cancel", runId);

        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
        Assert.Contains($"nbf cancel: run {runId} is cancelled; no host works on task hub {hub["NBF_TASK_HUB"]} now", cancel.Stderr);
        Assert.DoesNotContain("waiting for", cancel.Stderr);
    }

    [Fact]
    public async Task Secrets_reach_the_kernel_by_name_and_never_a_notebook_a_result_a_log_or_the_durable_history()
    {
        var dir = NbfProcess.TempFolder();
        var secret = $"s3cr3t-{Guid.NewGuid():N}";
        var nb = TestNotebooks.Write(dir, "secret.ipynb", Parameters,
            "import os, hashlib, base64\nfrom IPython.display import display, HTML, JSON\ns = os.environ['NBF_TEST_SECRET']",
            "print('the secret is', s)\nimport sys\nprint('also on stderr', s, file=sys.stderr)",
            "display(HTML('<b>' + s + '</b>'))\ndisplay(JSON({'token': s}))\ns",
            "print(base64.b64encode(('user:' + s).encode()).decode())\nprint(base64.urlsafe_b64encode(s.encode()).decode())",
            "open(os.path.join(output_dir, 'digest.txt'), 'w').write(hashlib.sha256(s.encode()).hexdigest() + '\\n')\n" +
            "open(os.path.join(output_dir, 'leak.txt'), 'w').write('token=' + s + '\\n')",
            "if chunk_index == 1:\n    raise ValueError('bad secret ' + s)");
        var data = Path.Combine(dir, "data.csv");
        await File.WriteAllTextAsync(data, Csv(3000));
        var environment = Hub();
        environment["NBF_TEST_SECRET"] = secret;
        var runId = $"secret-{Guid.NewGuid():N}"[..19];

        var run = await NbfProcess.RunAsync(environment, "run", nb, "--input", data, "--split", "4KB", "--run-id", runId, "--secret", "NBF_TEST_SECRET", "--continue-on-failure", "--max-attempts", "1");
        var missing = await NbfProcess.RunAsync(Hub(), "run", nb, "--input", data, "--secret", "NBF_NO_SUCH_SECRET");

        Assert.True(run.ExitCode == ExitCodesPartial, run.Stderr);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), (await ResultAsync(runId, "digest.txt"))!.Split('\n')[0]);
        Assert.Contains("token=***", await ResultAsync(runId, "leak.txt"));
        Assert.Contains("bad secret ***", run.Stderr);
        Assert.DoesNotContain(secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("secret 'NBF_NO_SUCH_SECRET' was not found", missing.Stderr);

        // Every blob of the run: executed notebooks, files, merged results, scraps, manifest, plan and request.
        var forms = new[] { secret, Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)).TrimEnd('='), Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + secret))[8..^4] };
        var runs = new BlobServiceClient(Storage).GetBlobContainerClient("runs");
        var blobs = 0;
        await foreach (var blob in runs.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = runId + "/" }))
        {
            blobs++;
            var text = (await runs.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            foreach (var form in forms) Assert.False(text.Contains(form, StringComparison.Ordinal), $"{blob.Name} holds a form of the secret");
        }

        Assert.True(blobs > 6, $"only {blobs} blobs");
        var failedNotebook = (await runs.GetBlobClient($"{runId}/chunks/1/output.ipynb").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("the secret is ***", failedNotebook);
        Assert.Contains("<b>***</b>", failedNotebook);

        var tables = new TableServiceClient(Storage);
        var scanned = 0;
        await foreach (var table in tables.QueryAsync())
        {
            if (!table.Name.StartsWith(environment["NBF_TASK_HUB"], StringComparison.OrdinalIgnoreCase)) continue;
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                scanned++;
                foreach (var (_, value) in entity)
                {
                    foreach (var form in forms) Assert.DoesNotContain(form, value?.ToString() ?? string.Empty, StringComparison.Ordinal);
                }
            }
        }

        Assert.True(scanned > 5, $"only {scanned} history rows scanned");
    }

    private const int ExitCodesPartial = 4;
}
