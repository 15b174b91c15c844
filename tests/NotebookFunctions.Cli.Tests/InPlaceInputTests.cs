using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// A local --input read in place by the local host's activities (no upload), its files' identities recorded at
/// planning: a file changed between a kill and `nbf resume`, or before a repair, is refused naming it.
/// </summary>
public sealed class InPlaceInputTests
{
    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0\nnap = 0.0";

    private static readonly string[] Cells =
    [
        "import os, time, pandas as pd\ntime.sleep(nap)\npd.read_csv(input_path).to_csv(os.path.join(output_dir, 'rows.csv'), index=False)",
    ];

    private static string Csv(int rows) => "id,value\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{i * 13 % 97}\n"));

    [Fact]
    public async Task A_local_input_is_read_in_place_hashed_per_chunk_and_upload_keeps_a_copy()
    {
        var folder = NbfProcess.TempFolder();
        var notebook = TestNotebooks.Write(folder, "inplace.ipynb", Parameters, Cells);
        var data = Path.Combine(folder, "data.csv");
        var csv = Csv(1500);
        await File.WriteAllTextAsync(data, csv);
        var hub = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfi{Guid.NewGuid():N}"[..16] };
        var (inPlace, uploaded) = ($"inpl-{Guid.NewGuid():N}"[..16], $"upld-{Guid.NewGuid():N}"[..16]);

        var first = await NbfProcess.RunAsync(hub, "run", notebook, "--input", data, "--split", "2KB", "--run-id", inPlace);
        var second = await NbfProcess.RunAsync(hub, "run", notebook, "--input", data, "--split", "2KB", "--run-id", uploaded, "--upload");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        var service = new BlobServiceClient("UseDevelopmentStorage=true");
        var runs = service.GetBlobContainerClient("runs");
        Assert.Equal(csv, (await runs.GetBlobClient($"{inPlace}/results/rows.csv").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(csv, (await runs.GetBlobClient($"{uploaded}/results/rows.csv").DownloadContentAsync()).Value.Content.ToString());
        var inputs = service.GetBlobContainerClient("inputs");
        Assert.Equal(0, await CountAsync(inputs, $"{inPlace}/"));
        Assert.Equal(1, await CountAsync(inputs, $"{uploaded}/"));

        // Each chunk records the hash of the bytes it read: its range, after the header line it repeats.
        var manifest = JsonNode.Parse((await runs.GetBlobClient($"{inPlace}/manifest.json").DownloadContentAsync()).Value.Content.ToString())!;
        var chunks = manifest["chunks"]!.AsArray();
        Assert.True(chunks.Count >= 3, $"{chunks.Count} chunks");
        var bytes = await File.ReadAllBytesAsync(data);
        var header = Array.IndexOf(bytes, (byte)'\n') + 1;
        // The first chunk's range starts after the header and ends at the first line end past 2 KB; with its header, one contiguous run of bytes.
        var chunk0Length = Array.IndexOf(bytes, (byte)'\n', header + 2048 - 1) + 1;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, chunk0Length))), chunks[0]!["input_sha256"]!.GetValue<string>());
        Assert.Equal("local-files", manifest["inputs"]![0]!["container"]!.GetValue<string>());
    }

    [Fact]
    public async Task What_a_local_input_cannot_plan_is_refused_before_the_run_is_stored()
    {
        var folder = NbfProcess.TempFolder();
        var notebook = TestNotebooks.Write(folder, "refused.ipynb", Parameters, Cells);
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, Csv(12_000));
        var hub = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfr{Guid.NewGuid():N}"[..16] };
        var (overCap, notLines) = ($"ovcp-{Guid.NewGuid():N}"[..16], $"nolp-{Guid.NewGuid():N}"[..16]);
        var binary = Path.Combine(folder, "data.bin");
        await File.WriteAllBytesAsync(binary, new byte[4096]);

        // A chunk per line of 12,000: over the cap of 10,000 chunks; a .bin file cannot be split at line ends.
        var tooMany = await NbfProcess.RunAsync(hub, "run", notebook, "--input", data, "--split", "1B", "--run-id", overCap);
        var cannotSplit = await NbfProcess.RunAsync(hub, "run", notebook, "--input", binary, "--split", "1KB", "--run-id", notLines);

        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("more than the cap of 10000 chunks", tooMany.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, cannotSplit.ExitCode);
        Assert.Contains($"cannot split '{binary}'", cannotSplit.Stderr, StringComparison.Ordinal);
        var runs = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient("runs");
        var zero = await NbfProcess.RunAsync(hub, "run", notebook, "--input", data, "--split", "0");
        var none = await NbfProcess.RunAsync(hub, "run", notebook, "--input", data, "--parallel", "0");
        Assert.Contains("(field 'input.chunkSize'), set by --split", zero.Stderr, StringComparison.Ordinal);
        Assert.Contains("(field 'maxParallelChunks'), set by --parallel", none.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(runs, $"{overCap}/"));
        Assert.Equal(0, await CountAsync(runs, $"{notLines}/"));
    }

    private static async Task<int> CountAsync(BlobContainerClient container, string prefix)
    {
        var count = 0;
        if (!(await container.ExistsAsync()).Value) return 0;
        await foreach (var _ in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix })) count++;
        return count;
    }

    [Fact]
    public async Task A_local_input_changed_between_a_kill_and_resume_is_refused_naming_the_file_and_so_is_a_repair()
    {
        var folder = NbfProcess.TempFolder();
        var notebook = TestNotebooks.Write(folder, "inplace.ipynb", Parameters, Cells);
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, Csv(1500));
        var hub = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfi{Guid.NewGuid():N}"[..16] };
        var runId = $"chg-{Guid.NewGuid():N}"[..16];

        using (var host = NbfProcess.Start(hub, "run", notebook, "--input", data, "--split", "2KB", "--parallel", "1", "--max-attempts", "1", "-p", "nap=1.0", "--run-id", runId))
        {
            await NbfProcess.UntilAChunkRunsAsync(host);
            Assert.False(host.HasExited, "the run ended before the kill");
            host.Kill(entireProcessTree: false);
            await host.WaitForExitAsync();
        }

        await File.AppendAllTextAsync(data, "1500,1\n");
        var resumed = await NbfProcess.RunAsync(hub, "resume");
        var status = await NbfProcess.RunAsync(hub, "status", runId);
        var repair = await NbfProcess.RunAsync(hub, "repair", runId);

        Assert.NotEqual(0, resumed.ExitCode);
        // Said up front, before the resumed run's chunks fail one by one.
        Assert.Contains($"nbf: run {runId}: its chunks that have not run yet will fail: local input file {data} changed since the run was planned", resumed.Stderr, StringComparison.Ordinal);
        Assert.Contains($"run {runId}: Failed", status.Stdout, StringComparison.Ordinal);
        Assert.Contains($"local input file {data} changed since the run was planned", status.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, repair.ExitCode);
        Assert.Contains($"local input file {data} changed since the run was planned", repair.Stdout + repair.Stderr, StringComparison.Ordinal);
    }
}
