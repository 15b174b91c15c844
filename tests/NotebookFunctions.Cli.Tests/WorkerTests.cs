using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// Several `nbf worker` processes on one task hub: a run started detached is executed by them, each chunk recorded in
/// the manifest with the worker that ran it; a worker SIGKILLed in the middle of a chunk loses nothing, its chunk is
/// taken over by the other once its lock times out, and the results hold every row exactly once.
/// </summary>
public sealed class WorkerTests
{
    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0\nnap = 0.0\nmarks = '.'";

    // Each chunk marks its start and end with the worker whose kernel runs it (kernels inherit the worker's environment).
    private static readonly string[] Cells =
    [
        "import os, time, pandas as pd\nwho = os.environ.get('NBF_WORKER_ID', 'none')\nopen(os.path.join(marks, f'{chunk_index}.{who}.start'), 'w').close()\ntime.sleep(nap)\npd.read_csv(input_path).to_csv(os.path.join(output_dir, 'rows.csv'), index=False)\nopen(os.path.join(marks, f'{chunk_index}.{who}.end'), 'w').close()",
    ];

    [Fact]
    public async Task Two_workers_run_a_detached_run_and_one_killed_mid_chunk_loses_nothing()
    {
        var folder = NbfProcess.TempFolder();
        var marks = Directory.CreateDirectory(Path.Combine(folder, "marks")).FullName;
        var notebook = TestNotebooks.Write(folder, "workers.ipynb", Parameters, Cells);
        var data = Path.Combine(folder, "data.csv");
        var csv = "id,value\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"{i},{i * 7}\n"));
        await File.WriteAllTextAsync(data, csv);
        var hub = $"nbfw{Guid.NewGuid():N}"[..16];
        var runId = $"wrk-{Guid.NewGuid():N}"[..16];
        var workers = new List<Process>();
        try
        {
            foreach (var name in new[] { "wa", "wb" })
            {
                var worker = NbfProcess.Start(new Dictionary<string, string> { ["NBF_TASK_HUB"] = hub, ["NBF_WORKER_ID"] = name }, "worker", "--parallel", "1");
                workers.Add(worker);
                _ = worker.StandardError.ReadToEndAsync();
                using var ready = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                Assert.Equal($"worker {name} ready", await worker.StandardOutput.ReadLineAsync(ready.Token));
                _ = worker.StandardOutput.ReadToEndAsync();
            }

            // Detached: this process starts the run and runs none of it; the two workers do all of it.
            var started = await NbfProcess.RunAsync(new Dictionary<string, string> { ["NBF_TASK_HUB"] = hub }, "run", notebook, "--input", data, "--split", "1", "--parallel", "2", "--detach", "--run-id", runId, "-p", "nap=2.0", "-p", $"marks={marks}");
            Assert.True(started.ExitCode == 0, started.Stderr);

            // Kill wb once it has finished a chunk and is in the middle of another.
            var killed = await WaitForAsync(() =>
            {
                var files = Directory.GetFiles(marks).Select(Path.GetFileName).ToHashSet();
                var midChunk = files.Where(f => f!.EndsWith(".wb.start", StringComparison.Ordinal)).Select(f => f![..f!.IndexOf('.', StringComparison.Ordinal)]).FirstOrDefault(i => !files.Contains($"{i}.wb.end"));
                return files.Any(f => f!.EndsWith(".wb.end", StringComparison.Ordinal)) ? midChunk : null;
            }, TimeSpan.FromMinutes(2));
            Assert.NotNull(killed);
            workers[1].Kill(entireProcessTree: false);
            await workers[1].WaitForExitAsync();

            var status = await WaitForAsync(async () =>
            {
                var now = await NbfProcess.RunAsync(new Dictionary<string, string> { ["NBF_TASK_HUB"] = hub }, "status", runId);
                return now.Stdout.Contains("Running", StringComparison.Ordinal) || now.Stdout.Contains("Pending", StringComparison.Ordinal) ? null : now.Stdout;
            }, TimeSpan.FromMinutes(3));

            Assert.Contains($"run {runId}: Completed", status, StringComparison.Ordinal);
            var runs = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("runs");
            Assert.Equal(csv, (await runs.GetBlobClient($"{runId}/results/rows.csv").DownloadContentAsync()).Value.Content.ToString());
            var manifest = JsonNode.Parse((await runs.GetBlobClient($"{runId}/manifest.json").DownloadContentAsync()).Value.Content.ToString())!;
            var ranBy = manifest["chunks"]!.AsArray().ToDictionary(c => c!["index"]!.GetValue<int>().ToString(System.Globalization.CultureInfo.InvariantCulture), c => c!["worker"]!.GetValue<string>());
            Assert.Equal(10, ranBy.Count);
            Assert.All(ranBy.Values, w => Assert.Contains(w, new[] { "wa", "wb" }));
            Assert.Contains("wb", ranBy.Values);
            // The chunk wb was killed in was finished by wa (its message came back when wb's lock expired).
            Assert.Equal("wa", ranBy[killed!]);
        }
        finally
        {
            foreach (var worker in workers) await NbfProcess.TerminateAsync(worker, TimeSpan.FromSeconds(40));

            foreach (var worker in workers) worker.Dispose();
        }
    }

    [Theory]
    [InlineData("--parallel", "0", null, null, "--parallel must be 1 to 64, not 0")]
    [InlineData("--parallel", "2", "NBF_PARTITION_COUNT", "17", "NBF_PARTITION_COUNT is '17'; it must be a whole number from 1 to 16")]
    [InlineData("--parallel", "2", "NBF_CHUNK_BATCH_SIZE", "many", "NBF_CHUNK_BATCH_SIZE is 'many'; it must be a whole number of chunks from 10 to 2000")]
    public async Task A_worker_refuses_what_it_cannot_run_with_naming_it(string option, string value, string? setting, string? settingValue, string says)
    {
        var environment = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfw{Guid.NewGuid():N}"[..16] };
        if (setting is not null) environment[setting] = settingValue!;

        var result = await NbfProcess.RunAsync(environment, "worker", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"nbf worker: {says}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    private static Task<T?> WaitForAsync<T>(Func<T?> probe, TimeSpan timeout) where T : class => WaitForAsync(() => Task.FromResult(probe()), timeout);

    private static async Task<T?> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(200);
        }

        return null;
    }
}
