using System.Text.Json.Nodes;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>Fan-out, retries, failure policies and fan-in, end to end: in-memory Durable Task, Azurite, real kernels.</summary>
public sealed class NotebookRunOrchestratorTests
{
    private const string FilterNotebookParameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0\nmin_value: int = 0\nfail_chunk = -1";

    private static readonly string[] FilterNotebookCells =
    [
        "import os, pandas as pd\nfrom IPython.display import display",
        "if chunk_index == fail_chunk:\n    raise ValueError(f'chunk {chunk_index} refuses')",
        "df = pd.read_csv(input_path)\nkept = df[df['value'] >= min_value]\nkept.to_csv(os.path.join(output_dir, 'kept.csv'), index=False)\n" +
        "with open(os.path.join(output_dir, 'counts.jsonl'), 'w') as f:\n    f.write('{\"chunk\": %d, \"rows\": %d}\\n' % (chunk_index, len(kept)))",
        "display({'application/scrapbook.scrap.json+json': {'name': 'rows', 'data': int(len(kept)), 'encoder': 'json', 'version': 1}}, raw=True)",
    ];

    private static string Csv(int rows) => "id,value\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{i * 7 % 100}\n"));

    private static RunRequest Request((string Name, string Version) notebook, string container, long split, JsonObject? parameters = null) => new()
    {
        Notebook = notebook.Name,
        Version = notebook.Version,
        Parameters = parameters ?? new JsonObject { ["min_value"] = 50 },
        Input = new InputSpec { Container = container, Prefix = "data.csv", TargetChunkBytes = split },
        MaxParallelChunks = 2,
        Retry = new ChunkRetryPolicy(MaxAttempts: 2, FirstDelaySeconds: 0.1),
    };

    [Fact]
    public async Task A_split_CSV_runs_chunk_by_chunk_and_merges_like_one_kernel_over_the_whole_file()
    {
        var source = new NotebookSource("0123456789abcdef0123456789abcdef01234567", "analysis/filter.ipynb", dirty: false);
        var notebook = await RunHarness.PublishAsync(source, FilterNotebookParameters, FilterNotebookCells);
        var csv = Csv(2000);
        var container = await RunHarness.UploadInputAsync("data.csv", csv);
        await using var harness = await RunHarness.StartAsync();

        var (result, metadata) = await harness.RunAsync(Request(notebook, container.Name, split: 5000));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.InRange(result.ChunkCount, 3, 6);
        Assert.Equal(result.ChunkCount, result.Succeeded);
        var merged = await RunHarness.ReadRunBlobAsync($"{result.RunId}/results/kept.csv");
        var expected = "id,value\n" + string.Concat(Enumerable.Range(0, 2000).Where(i => i * 7 % 100 >= 50).Select(i => $"{i},{i * 7 % 100}\n"));
        Assert.Equal(expected, merged);
        Assert.Equal(await SingleKernelOutputAsync(notebook, csv, "kept.csv"), merged);
        var counts = (await RunHarness.ReadRunBlobAsync($"{result.RunId}/results/counts.jsonl"))!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, result.ChunkCount), counts.Select(l => JsonNode.Parse(l)!["chunk"]!.GetValue<int>()));
        var scraps = JsonNode.Parse((await RunHarness.ReadRunBlobAsync($"{result.RunId}/results/scraps.json"))!)!.AsArray();
        Assert.Equal(expected.Count(c => c == '\n') - 1, scraps.Sum(s => s!["scraps"]!["rows"]!.GetValue<int>()));

        var manifest = JsonNode.Parse((await RunHarness.ReadRunBlobAsync($"{result.RunId}/manifest.json"))!)!;
        Assert.Equal("Completed", manifest["status"]!.GetValue<string>());
        Assert.Equal(notebook.Version, manifest["notebook"]!["sha256"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["commit"] = source.Commit, ["path"] = source.Path, ["dirty"] = false }, manifest["notebook"]!["source"]), manifest["notebook"]!.ToJsonString());
        Assert.Equal("python", manifest["environment"]!["language"]!.GetValue<string>());
        Assert.Contains(manifest["environment"]!["packages"]!.AsArray(), p => p!.GetValue<string>().StartsWith("pandas==", StringComparison.Ordinal));
        Assert.Single(manifest["inputs"]!.AsArray());
        Assert.Equal(result.ChunkCount, manifest["chunks"]!.AsArray().Count);
        // Each chunk's kernel peak, read from /proc before the kernel went: a pandas kernel holds tens of MB at least.
        Assert.All(manifest["chunks"]!.AsArray(), c => Assert.InRange(c!["peak_memory_mb"]!.GetValue<double>(), 10, 4096));
        Assert.NotNull(await RunHarness.ReadRunBlobAsync($"{result.RunId}/chunks/0/output.ipynb"));
        Assert.Contains("\"Planned\":", metadata.SerializedCustomStatus);
    }

    /// <summary>The same published notebook run once, on one kernel, over the whole file.</summary>
    private static async Task<string> SingleKernelOutputAsync((string Name, string Version) notebook, string csv, string file)
    {
        var dir = Directory.CreateTempSubdirectory("nbf-single-").FullName;
        var path = Path.Combine(dir, "notebook.ipynb");
        await File.WriteAllBytesAsync(path, (await new NotebookStore(RunHarness.Blobs).GetAsync(notebook.Name, notebook.Version))!);
        await File.WriteAllTextAsync(Path.Combine(dir, "data.csv"), csv);
        var output = Directory.CreateDirectory(Path.Combine(dir, "out")).FullName;
        var result = await new NotebookRunner(new NotebookExecutor()).RunAsync(new NotebookRunRequest
        {
            NotebookPath = path,
            Parameters = new JsonObject { ["input_path"] = Path.Combine(dir, "data.csv"), ["output_dir"] = output, ["min_value"] = 50 },
        });
        result.ThrowIfFailed();
        return await File.ReadAllTextAsync(Path.Combine(output, file));
    }

    [Fact]
    public async Task A_failing_chunk_is_retried_then_reported_with_its_cell_and_continue_mode_merges_the_rest()
    {
        var notebook = await RunHarness.PublishAsync(FilterNotebookParameters, FilterNotebookCells);
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(600));
        await using var harness = await RunHarness.StartAsync();
        var request = Request(notebook, container.Name, split: 2000, new JsonObject { ["min_value"] = 0, ["fail_chunk"] = 1 }) with { OnChunkFailure = FailurePolicy.Continue };

        var (result, _) = await harness.RunAsync(request);

        Assert.Equal(RunStatus.CompletedWithFailures, result.Status);
        var failed = Assert.Single(result.FailedChunks);
        Assert.Equal((1, 2), (failed.Index, failed.Attempts));
        // Cell 3 of the executed notebook (after the injected-parameters cell): the cell with id c1.
        Assert.Equal(("CellError", 3, "c1", "ValueError", "chunk 1 refuses"), (failed.Error!.Kind, failed.Error.CellIndex, failed.Error.CellId, failed.Error.EName, failed.Error.EValue));
        Assert.Contains("chunk 1", result.Error);
        var merged = (await RunHarness.ReadRunBlobAsync($"{result.RunId}/results/kept.csv"))!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var counts = (await RunHarness.ReadRunBlobAsync($"{result.RunId}/results/counts.jsonl"))!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(1, merged.Count(l => l == "id,value"));
        Assert.DoesNotContain(counts, c => c["chunk"]!.GetValue<int>() == 1);
        Assert.Equal(result.ChunkCount - 1, counts.Count);
        Assert.Equal(counts.Sum(c => c["rows"]!.GetValue<int>()), merged.Length - 1);
        Assert.InRange(merged.Length - 1, 300, 599);
    }

    [Fact]
    public async Task Fail_fast_stops_scheduling_new_chunks()
    {
        var notebook = await RunHarness.PublishAsync(FilterNotebookParameters, FilterNotebookCells);
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(600));
        await using var harness = await RunHarness.StartAsync();
        var request = Request(notebook, container.Name, split: 1000, new JsonObject { ["fail_chunk"] = 0 }) with
        {
            MaxParallelChunks = 1,
            Retry = new ChunkRetryPolicy(MaxAttempts: 1),
        };

        var (result, _) = await harness.RunAsync(request);

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.True(result.ChunkCount >= 4);
        Assert.Equal(1, result.Failed);
        Assert.Equal(0, result.Succeeded);
        var manifest = JsonNode.Parse((await RunHarness.ReadRunBlobAsync($"{result.RunId}/manifest.json"))!)!;
        Assert.Single(manifest["chunks"]!.AsArray());
        Assert.Null(manifest["notebook"]!["source"]); // published without one
        Assert.Null(await RunHarness.ReadRunBlobAsync($"{result.RunId}/results/kept.csv"));
    }

    [Fact]
    public async Task Bad_parameters_fail_the_run_before_any_kernel_starts()
    {
        var notebook = await RunHarness.PublishAsync(FilterNotebookParameters, FilterNotebookCells);
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(10));
        await using var harness = await RunHarness.StartAsync();

        var (result, _) = await harness.RunAsync(Request(notebook, container.Name, split: 1000, new JsonObject { ["min_value"] = "high" }));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(0, result.ChunkCount);
        Assert.Contains("parameter 'min_value': expected int, got the string \"high\"", result.Error);
        Assert.Null(await RunHarness.ReadRunBlobAsync($"{result.RunId}/chunks/0/output.ipynb"));
        Assert.NotNull(await RunHarness.ReadRunBlobAsync($"{result.RunId}/manifest.json"));
    }

    [Fact]
    public async Task A_published_version_holding_a_credential_is_scanned_again_and_never_run()
    {
        // Stored directly, as a version published before the scanner existed would be.
        var notebook = await RunHarness.PublishAsync(FilterNotebookParameters, "key = 'AKIA" + "IOSFODNN7EXAMPLE'\nprint(key)");
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(10));
        await using var harness = await RunHarness.StartAsync();

        var (result, _) = await harness.RunAsync(Request(notebook, container.Name, split: 1000));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(0, result.ChunkCount);
        Assert.Contains("hardcoded credential", result.Error);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", result.Error);
        Assert.Null(await RunHarness.ReadRunBlobAsync($"{result.RunId}/chunks/0/output.ipynb"));
    }

    [Fact]
    public async Task A_notebook_whose_requirements_the_kernel_does_not_meet_fails_at_once_listing_required_and_found()
    {
        var source = Core.Notebooks.NotebookReader.Parse(TestNotebooks.Text(FilterNotebookParameters, FilterNotebookCells), "nb.ipynb");
        source.Metadata["notebook_functions"] = new JsonObject { ["requirements"] = new JsonArray("pandas>=1", "numpy<1", "no-such-package-nbf>=2") };
        var notebook = await RunHarness.PublishAsync(source);
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(10));
        await using var harness = await RunHarness.StartAsync();

        var (result, _) = await harness.RunAsync(Request(notebook, container.Name, split: 1000));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(0, result.ChunkCount);
        Assert.Contains("does not meet its requirements: numpy<1: found ", result.Error);
        Assert.Contains("no-such-package-nbf>=2: not installed", result.Error);
        Assert.DoesNotContain("pandas>=1", result.Error);
        Assert.Null(await RunHarness.ReadRunBlobAsync($"{result.RunId}/chunks/0/output.ipynb"));
    }
}
