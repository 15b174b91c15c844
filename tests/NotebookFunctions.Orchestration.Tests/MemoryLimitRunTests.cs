using System.Text.Json.Nodes;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>
/// Kernel memory limits through a whole run: in-memory Durable Task, Azurite, real kernels. A big allocation is
/// refused under the limit before it is touched, so no test holds more than a few hundred MB.
/// </summary>
public sealed class MemoryLimitRunTests
{
    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0\nbomb_chunk = -1\nbytes_per_input_byte = 0";

    private static readonly string[] Cells =
    [
        "import os, numpy as np, pandas as pd",
        "if chunk_index == bomb_chunk:\n    big = np.ones(200_000_000)  # 1.5 GiB",
        "if bytes_per_input_byte:\n    held = np.ones(os.path.getsize(input_path) * bytes_per_input_byte // 8)\n    del held",
        "pd.read_csv(input_path).to_csv(os.path.join(output_dir, 'rows.csv'), index=False)",
    ];

    private static string Csv(int rows, int width = 8) => "id,text\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{new string('x', width)}\n"));

    [Fact]
    public async Task A_chunk_past_its_limit_fails_as_out_of_memory_naming_cell_and_peak_while_the_others_succeed()
    {
        var notebook = await RunHarness.PublishAsync(Parameters, Cells);
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(600));
        await using var harness = await RunHarness.StartAsync();
        var request = new RunRequest
        {
            Notebook = notebook.Name,
            Version = notebook.Version,
            Parameters = new JsonObject { ["bomb_chunk"] = 1 },
            Input = new InputSpec { Container = container.Name, Prefix = "data.csv", TargetChunkBytes = 3000 },
            MaxParallelChunks = 2,
            Retry = new ChunkRetryPolicy(MaxAttempts: 1),
            OnChunkFailure = FailurePolicy.Continue,
            MemoryLimitMB = 512,
        };

        var (result, metadata) = await harness.RunAsync(request);

        Assert.Equal(RunStatus.CompletedWithFailures, result.Status);
        Assert.True(result.ChunkCount >= 3, $"{result.ChunkCount} chunks");
        Assert.Equal(result.ChunkCount - 1, result.Succeeded);
        var failed = Assert.Single(result.FailedChunks);
        Assert.Equal(1, failed.Index);
        // Cell 2 of the executed notebook (after the injected-parameters cell): the cell with id c1.
        Assert.Equal((ChunkError.OutOfMemory, 3, "c1", "MemoryError"), (failed.Error!.Kind, failed.Error.CellIndex, failed.Error.CellId, failed.Error.EName));
        Assert.Matches(@"^out of memory in cell 3 \(id 'c1'\), In \[4\]: peak \d+(\.\d)? MB of 512 MB limit \(MemoryError: Unable to allocate", failed.Error.ToString());
        Assert.Contains("out of memory in cell 3", result.Error);
        Assert.Contains("OutOfMemory", metadata.SerializedCustomStatus);

        var manifest = JsonNode.Parse((await RunHarness.ReadRunBlobAsync($"{result.RunId}/manifest.json"))!)!;
        Assert.Equal(512, manifest["request"]!["memory_limit_mb"]!.GetValue<int>());
        var chunks = manifest["chunks"]!.AsArray();
        Assert.Equal("OutOfMemory", chunks[1]!["error"]!["Kind"]!.GetValue<string>());
        Assert.All(chunks, c => Assert.InRange(c!["peak_memory_mb"]!.GetValue<double>(), 10, 512));
        Assert.All(chunks, c => Assert.True(c!["baseline_memory_mb"]!.GetValue<double>() <= c["peak_memory_mb"]!.GetValue<double>()));

        // Every executed cell of a chunk carries its own peak.
        var executed = NotebookReader.Parse((await RunHarness.ReadRunBlobAsync($"{result.RunId}/chunks/0/output.ipynb"))!, "chunk 0");
        Assert.All(executed.Cells.Where(c => c.IsCode && c.ExecutionCount is not null), c => Assert.NotNull(CellMemory.Read(c)));
    }

    [Fact]
    public async Task The_first_chunk_s_memory_per_input_byte_warns_when_the_largest_chunk_will_not_fit_and_suggests_a_size()
    {
        var notebook = await RunHarness.PublishAsync(Parameters, Cells);
        var container = await RunHarness.UploadInputAsync("data/a.csv", Csv(50_000, 12));   // ~1 MB
        await container.GetBlobClient("data/b.csv").UploadAsync(BinaryData.FromString(Csv(300_000, 12)));   // ~6 MB
        await using var harness = await RunHarness.StartAsync();
        var request = new RunRequest
        {
            Notebook = notebook.Name,
            Version = notebook.Version,
            // 100 bytes of memory per byte of input: 100 MB for the small blob, 600 MB for the big one.
            Parameters = new JsonObject { ["bytes_per_input_byte"] = 100 },
            Input = new InputSpec { Container = container.Name, Prefix = "data/", Mode = ChunkMode.PerBlob },
            MaxParallelChunks = 1,
            Retry = new ChunkRetryPolicy(MaxAttempts: 1),
            OnChunkFailure = FailurePolicy.Continue,
            MemoryLimitMB = 512,
        };

        var (result, metadata) = await harness.RunAsync(request);

        var warning = Assert.Single(result.Warnings);
        Assert.Matches(@"^chunk 0 used \d+(\.\d)? MB for \d+KB of input \(\d+(\.\d)? MB before its data\); at that rate the largest chunk \(5MB\) needs about \d+ MB, over the 512 MB memory limit: split the input \(mode split\) with a chunk size of at most \d+MB, or raise memoryLimitMB$", warning);
        var suggested = long.Parse(System.Text.RegularExpressions.Regex.Match(warning, @"at most (\d+)MB").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(suggested, 2, 5);
        Assert.Contains("over the 512 MB memory limit", metadata.SerializedCustomStatus);
        var manifest = JsonNode.Parse((await RunHarness.ReadRunBlobAsync($"{result.RunId}/manifest.json"))!)!;
        Assert.Equal(warning, manifest["warnings"]![0]!.GetValue<string>());
        // The warning was right: the big blob's chunk ran out of memory.
        Assert.Equal(ChunkError.OutOfMemory, Assert.Single(result.FailedChunks).Error!.Kind);
    }
}
