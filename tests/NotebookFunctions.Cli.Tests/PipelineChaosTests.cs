using Azure.Storage.Blobs;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// A pipeline whose local host is SIGKILLed mid-graph, again and again, each time picked up by `nbf resume`: the graph
/// completes, every step's results are whole and none duplicated, and the join sees exactly what its steps produced.
/// </summary>
public sealed class PipelineChaosTests
{
    // Enough rows for nine 1 KB chunks of 1.5 s each, two at a time: with only three, a resume on a quiet machine
    // finished the graph before the second kill (CI, 2026-11-27).
    private const int Rows = 1200;

    [Fact]
    public async Task A_pipeline_whose_host_is_killed_mid_graph_completes_with_no_step_duplicated()
    {
        var folder = NbfProcess.TempFolder();
        TestNotebooks.Write(folder, "land.ipynb", "output_dir = 'out'\nrows = 10",
            "import os\nwith open(os.path.join(output_dir, 'data.csv'), 'w') as f:\n    f.write('id,value\\n' + ''.join(f'{i},{i * 7 % 31}\\n' for i in range(rows)))");
        TestNotebooks.Write(folder, "slow_copy.ipynb", "input_path = 'in'\noutput_dir = 'out'\nchunk_index = 0",
            "import os, time, pandas as pd\ntime.sleep(1.5)\npath = input_path if os.path.isfile(input_path) else os.path.join(input_path, 'data.csv')\n" +
            "pd.read_csv(path).to_csv(os.path.join(output_dir, 'rows.csv'), index=False)");
        TestNotebooks.Write(folder, "count.ipynb", "input_path = 'in'\noutput_dir = 'out'",
            "import os, pandas as pd\ntime_series = pd.read_csv(os.path.join(input_path, 'copied', 'rows.csv'))\nsingle = pd.read_csv(os.path.join(input_path, 'whole', 'rows.csv'))\n" +
            "open(os.path.join(output_dir, 'count.txt'), 'w').write(f'{len(time_series)} {len(single)} {int(time_series.value.sum())}\\n')");
        var pipeline = Path.Combine(folder, "chaos.pipeline.yaml");
        await File.WriteAllTextAsync(pipeline, """
            parameters:
              rows: ROWS
            steps:
              land:
                notebook: land.ipynb
                parameters:
                  rows: ${rows}
              copied:
                notebook: slow_copy.ipynb
                depends_on: [land]
                input: {step: land, chunk_size: 1KB}
                mode: fan_out
                max_parallel_chunks: 2
              whole:
                notebook: slow_copy.ipynb
                depends_on: [land]
                input: {step: land}
              join:
                notebook: count.ipynb
                depends_on: [copied, whole]
                input: {step: [copied, whole]}
            """.Replace("ROWS", Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var hub = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfp{Guid.NewGuid():N}"[..16] };
        var runId = $"pchaos-{Guid.NewGuid():N}"[..18];
        var random = new Random(20261126);
        var killed = 0;

        for (var kill = 0; kill < 4; kill++)
        {
            var arguments = kill == 0 ? new[] { "run", pipeline, "--run-id", runId, "--parallel", "2" } : ["resume"];
            using var host = NbfProcess.Start(hub, arguments);
            _ = host.StandardError.ReadToEndAsync();
            if (kill == 0)
            {
                // The first host dies only once it accepted the pipeline run (its id on stdout): killed before, there
                // is nothing to resume, and on a loaded machine a host takes seconds to get there.
                var accepted = host.StandardOutput.ReadLineAsync();
                Assert.True(await Task.WhenAny(accepted, Task.Delay(TimeSpan.FromMinutes(2))) == accepted && await accepted == runId, "the first host never accepted the pipeline run");
            }

            _ = host.StandardOutput.ReadToEndAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(kill == 0 ? 1000 : 2500, 6000)));
            if (host.HasExited) break;
            host.Kill(entireProcessTree: false);
            await host.WaitForExitAsync();
            killed++;
        }

        var finished = await NbfProcess.RunAsync(hub, "resume");
        var state = await NbfProcess.RunAsync(hub, "status", runId);

        Assert.True(killed >= 2, $"only {killed} kills landed before the pipeline ended");
        Assert.True(finished.ExitCode == 0, finished.Stderr);
        Assert.Contains($"pipeline run {runId}: Completed", state.Stdout);
        var runs = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("runs");
        async Task<string> ReadAsync(string name) => (await runs.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString();
        var landed = await ReadAsync($"{runId}/steps/land/results/data.csv");
        Assert.Equal(Rows + 1, landed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        // The fan-out's chunks were merged once each, in order: its merged file is the landed file, row for row.
        Assert.Equal(landed, await ReadAsync($"{runId}/steps/copied/results/rows.csv"));
        Assert.Equal(landed, await ReadAsync($"{runId}/steps/whole/results/rows.csv"));
        var sum = Enumerable.Range(0, Rows).Sum(i => i * 7 % 31);
        Assert.Equal($"{Rows} {Rows} {sum}\n", await ReadAsync($"{runId}/steps/join/results/count.txt"));
    }
}
