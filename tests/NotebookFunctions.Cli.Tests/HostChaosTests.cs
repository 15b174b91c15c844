using Azure.Storage.Blobs;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// The local host SIGKILLed again and again at random points of one run (before its first chunk, mid-chunk, while
/// merging), each time picked up by the next nbf: the run completes with exact results, every chunk merged once, no
/// merged file ever visible half-written, no kernel or chunk folder of a killed host left behind.
/// </summary>
public sealed class HostChaosTests
{
    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0";

    private static readonly string[] Cells =
    [
        "import os, time, pandas as pd\ntime.sleep(1.5)\ndf = pd.read_csv(input_path)\ndf.to_csv(os.path.join(output_dir, 'rows.csv'), index=False)\n" +
        "open(os.path.join(output_dir, 'chunks.txt'), 'w').write(f'{chunk_index}\\n')",
    ];

    [Fact]
    public async Task A_run_whose_host_is_killed_five_times_completes_exactly_once()
    {
        var folder = NbfProcess.TempFolder();
        var notebook = TestNotebooks.Write(folder, "chaos.ipynb", Parameters, Cells);
        var csv = "id,value\n" + string.Concat(Enumerable.Range(0, 1500).Select(i => $"{i},{i * 13 % 97}\n"));
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, csv);
        var hub = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfk{Guid.NewGuid():N}"[..16] };
        var runId = $"chaos-{Guid.NewGuid():N}"[..18];
        var runs = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("runs");
        var random = new Random(20261126);
        var killed = new List<int>();

        // Whatever a reader sees of the merged file while hosts die is whole: absent, or exactly the input.
        using var stop = new CancellationTokenSource();
        var seenPartial = new List<string>();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var blob = runs.GetBlobClient($"{runId}/results/rows.csv");
                try
                {
                    var text = (await blob.DownloadContentAsync(stop.Token)).Value.Content.ToString();
                    if (text != csv) seenPartial.Add(text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                catch (Azure.RequestFailedException e) when (e.Status == 404)
                {
                    // Not merged yet.
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                await Task.Delay(100);
            }
        });

        for (var kill = 0; kill < 5; kill++)
        {
            var arguments = kill == 0
                ? new[] { "run", notebook, "--input", data, "--split", "1KB", "--parallel", "2", "--run-id", runId }
                : ["resume"];
            using var host = NbfProcess.Start(hub, arguments);
            _ = host.StandardError.ReadToEndAsync();
            if (kill == 0)
            {
                // The first host dies only once it accepted the run (its id on stdout): killed before, there is no
                // run to resume, and on a loaded machine a host takes seconds to get there.
                var accepted = host.StandardOutput.ReadLineAsync();
                Assert.True(await Task.WhenAny(accepted, Task.Delay(TimeSpan.FromMinutes(2))) == accepted && await accepted == runId, "the first host never accepted the run");
            }

            _ = host.StandardOutput.ReadToEndAsync();

            // From just after acceptance (no chunk yet) to well into the chunks and the merge.
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(kill == 0 ? 0 : 1000, 5000)));
            if (host.HasExited) break;
            host.Kill(entireProcessTree: false);
            await host.WaitForExitAsync();
            killed.Add(host.Id);
        }

        var finished = await NbfProcess.RunAsync(hub, "resume");
        await stop.CancelAsync();
        await watcher;

        Assert.True(killed.Count >= 3, $"only {killed.Count} kills landed before the run ended");
        Assert.True(finished.ExitCode == 0, finished.Stderr);
        var state = await NbfProcess.RunAsync(hub, "status", runId);
        Assert.True(state.Stdout.Contains($"run {runId}: Completed", StringComparison.Ordinal), $"nbf status exited {state.ExitCode}: {state.Stdout}{state.Stderr}\nlast resume: {finished.Stderr}");
        Assert.Equal(csv, (await runs.GetBlobClient($"{runId}/results/rows.csv").DownloadContentAsync()).Value.Content.ToString());
        var chunkOrder = (await runs.GetBlobClient($"{runId}/results/chunks.txt").DownloadContentAsync()).Value.Content.ToString()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        Assert.Equal(Enumerable.Range(0, chunkOrder.Count), chunkOrder);
        Assert.Empty(seenPartial);
        foreach (var pid in killed)
        {
            Assert.Empty(await KernelProcesses.WaitUntilGoneAsync(pid, TimeSpan.FromSeconds(15)));
            Assert.Empty(Directory.EnumerateDirectories(Path.GetTempPath(), $"nbf-chunk-p{pid}-*"));
        }
    }
}
