using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>
/// The reduce step, end to end: a map notebook writes per-chunk partial sums, a reduce notebook sums them once over the
/// merged results (in-memory Durable Task, Azurite, real kernels). Its answer must be the one a single kernel gets
/// over the whole file; failed chunks, a failing reduce, repairs and refusals are each held to what the run records.
/// </summary>
public sealed class ReduceTests
{
    private const string MapParameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0\nfail_chunk = -1\nfail_flag = ''";

    /// <summary>Each chunk: its rows (value doubled), and a partial sum per region; cell c1 fails on request or while a flag file exists.</summary>
    private static readonly string[] MapCells =
    [
        "import os, pandas as pd\nfrom IPython.display import display",
        "if chunk_index == fail_chunk or (fail_flag and os.path.exists(fail_flag) and chunk_index == 1):\n    raise ValueError(f'chunk {chunk_index} refuses')",
        """
        df = pd.read_csv(input_path)
        df.assign(double=df['value'] * 2).to_csv(os.path.join(output_dir, 'rows.csv'), index=False)
        df.groupby('region', sort=True)['value'].agg(rows='count', total='sum').reset_index().to_csv(os.path.join(output_dir, 'partial.csv'), index=False)
        """,
        "display({'application/scrapbook.scrap.json+json': {'name': 'rows', 'data': int(len(df)), 'encoder': 'json', 'version': 1}}, raw=True)",
    ];

    private const string ReduceParameters = "input_path = 'results'\noutput_dir = 'out'\nrun_id = ''\nchunk_count = 1\nfailed_chunks: list = []\nfactor: int = 1\nfail_flag = ''";

    /// <summary>Sums the partial sums into totals.csv, records what it was given in inputs/seen.json, glues the headline numbers; c1 fails while a flag file exists.</summary>
    private static readonly string[] ReduceCells =
    [
        "import os, json, pandas as pd\nfrom IPython.display import display",
        "if fail_flag and os.path.exists(fail_flag):\n    raise RuntimeError('reduce refuses while the flag exists')",
        """
        parts = pd.read_csv(os.path.join(input_path, 'partial.csv'))
        totals = parts.groupby('region', sort=True)[['rows', 'total']].sum()
        totals['scaled'] = totals['total'] * factor
        totals.to_csv(os.path.join(output_dir, 'totals.csv'))
        """,
        """
        def at(*names):
            return os.path.join(input_path, *names)

        def load(path):
            with open(path) as f:
                return json.load(f)

        chunk_dirs = sorted(os.listdir(at('chunks')), key=int) if os.path.isdir(at('chunks')) else []
        seen = {
            'run_id': run_id,
            'chunk_count': chunk_count,
            'failed_chunks': failed_chunks,
            'top': sorted(os.listdir(input_path)),
            'chunk_dirs': chunk_dirs,
            'chunk_files': {d: sorted(os.listdir(at('chunks', d))) for d in chunk_dirs},
            'chunks_json': load(at('chunks.json')) if os.path.exists(at('chunks.json')) else None,
            'rows_from_scraps': sum(c['scraps']['rows'] for c in load(at('scraps.json'))) if os.path.exists(at('scraps.json')) else None,
        }
        os.makedirs(os.path.join(output_dir, 'inputs'), exist_ok=True)
        with open(os.path.join(output_dir, 'inputs', 'seen.json'), 'w') as f:
            json.dump(seen, f)
        """,
        """
        def glue(name, value):
            display({'application/scrapbook.scrap.json+json': {'name': name, 'data': value, 'encoder': 'json', 'version': 1}}, raw=True)

        glue('grand_total', int(totals['total'].sum()))
        glue('scaled_total', int(totals['scaled'].sum()))
        glue('regions', [str(r) for r in totals.index])
        """,
    ];

    private const string RefusingReduce = "reduce refuses while the flag exists";

    private static readonly string[] Regions = ["north", "east", "south", "west"];

    /// <summary>600 rows, about 8 KB: three chunks of 2500 bytes.</summary>
    private const int Rows = 600;

    private const long Split = 2500;

    private static string Csv(int rows) => "id,region,value\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{Regions[i * 7 % 4]},{i * 13 % 100}\n"));

    private static IEnumerable<(string Region, int Value)> InputRows(int rows) => Enumerable.Range(0, rows).Select(i => (Regions[i * 7 % 4], i * 13 % 100));

    /// <summary>The map's rows.csv over these input rows, as one kernel over the whole file writes it.</summary>
    private static string MappedRows(int rows) => "id,region,value,double\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{Regions[i * 7 % 4]},{i * 13 % 100},{i * 13 % 100 * 2}\n"));

    /// <summary>The (region, value) pairs of a CSV whose second and third columns are region and value.</summary>
    private static List<(string Region, int Value)> RowsOf(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).Select(f => (f[1], int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture))).ToList();

    /// <summary>The reduce's totals.csv over these rows, computed here.</summary>
    private static string Totals(IEnumerable<(string Region, int Value)> rows, int factor) =>
        "region,rows,total,scaled\n" + string.Concat(rows.GroupBy(r => r.Region).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key},{g.Count()},{g.Sum(r => r.Value)},{g.Sum(r => r.Value) * factor}\n"));

    private static Task<(string Name, string Version)> PublishMapAsync() => RunHarness.PublishAsync(MapParameters, MapCells);

    private static Task<(string Name, string Version)> PublishReduceAsync() => RunHarness.PublishAsync(ReduceParameters, ReduceCells);

    /// <summary>A map notebook whose metadata names its reduce (<see cref="NotebookReduce.MetadataPath"/>).</summary>
    private static Task<(string Name, string Version)> PublishMapNamingAsync(JsonNode reduce)
    {
        var notebook = TestNotebooks.Build(MapParameters, MapCells);
        notebook.Metadata["notebook_functions"] = new JsonObject { ["reduce"] = reduce };
        return RunHarness.PublishAsync(notebook);
    }

    private static RunRequest Request((string Name, string Version) map, (string Name, string Version) reduce, string container, JsonObject? mapParameters = null, JsonObject? reduceParameters = null) => new()
    {
        Notebook = map.Name,
        Version = map.Version,
        Parameters = mapParameters ?? [],
        Input = new InputSpec { Container = container, Prefix = "data.csv", TargetChunkBytes = Split },
        MaxParallelChunks = 2,
        Retry = new ChunkRetryPolicy(MaxAttempts: 2, FirstDelaySeconds: 0.1),
        Reduce = new ReduceRequest { Notebook = reduce.Name, Version = reduce.Version, Parameters = reduceParameters ?? [] },
    };

    /// <summary>What a caller sends: checked by RunService's validator, the latest versions resolved there.</summary>
    private static RunSubmission Submission(string map, string? reduce, string container, JsonObject? mapParameters = null, JsonObject? reduceParameters = null, string? onChunkFailure = null) => new()
    {
        Notebook = map,
        Parameters = mapParameters,
        Input = new InputSubmission { Container = container, Prefix = "data.csv", ChunkSize = Split.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        MaxParallelChunks = 2,
        MaxAttempts = 1,
        OnChunkFailure = onChunkFailure,
        Reduce = reduce is null ? null : new ReduceSubmission { Notebook = reduce, Parameters = reduceParameters },
    };

    private static string NewRunId(string what) => $"{what}-{Guid.NewGuid():N}"[..(what.Length + 17)];

    private static async Task<JsonNode> RunJsonAsync(string name) => JsonNode.Parse((await RunHarness.ReadRunBlobAsync(name))!)!;

    /// <summary>The chunks whose executed notebook a run stored under its own prefix: the chunks it ran itself.</summary>
    private static async Task<List<int>> ChunksRunByAsync(string runId)
    {
        var indices = new List<int>();
        var prefix = $"{runId}/chunks/";
        await foreach (var blob in RunHarness.Blobs.GetBlobContainerClient(StorageLayout.RunsContainer).GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            if (blob.Name.EndsWith("/output.ipynb", StringComparison.Ordinal))
                indices.Add(int.Parse(blob.Name[prefix.Length..blob.Name.IndexOf('/', prefix.Length)], System.Globalization.CultureInfo.InvariantCulture));
        }

        return [.. indices.Order()];
    }

    private static async Task<List<string>> RunBlobsAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in RunHarness.Blobs.GetBlobContainerClient(StorageLayout.RunsContainer).GetBlobsAsync(new GetBlobsOptions { Prefix = prefix })) names.Add(blob.Name);
        return names;
    }

    private static JsonArray Statuses(int chunkCount, params int[] failed) =>
        new(Enumerable.Range(0, chunkCount).Select(i => (JsonNode?)new JsonObject { ["index"] = i, ["status"] = failed.Contains(i) ? "failed" : "succeeded" }).ToArray());

    /// <summary>The names of the folders chunks/0, chunks/1, ... of these chunks.</summary>
    private static JsonArray Folders(IEnumerable<int> chunks) => new(chunks.Select(i => (JsonNode?)$"{i}").ToArray());

    private static void AssertJson(JsonNode? expected, JsonNode? actual, string what) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{what}: expected {expected?.ToJsonString()}, got {actual?.ToJsonString()}");

    [Fact]
    public async Task The_reduce_over_the_merged_chunks_gives_what_one_kernel_gives_over_the_whole_file()
    {
        var map = await PublishMapAsync();
        var reduce = await PublishReduceAsync();
        var csv = Csv(Rows);
        var container = await RunHarness.UploadInputAsync("data.csv", csv);
        await using var harness = await RunHarness.StartAsync();

        var (result, _) = await harness.RunAsync(Request(map, reduce, container.Name, reduceParameters: new JsonObject { ["factor"] = 3 }));

        var id = result.RunId;
        Assert.True(result.Status == RunStatus.Completed, result.Error);
        Assert.InRange(result.ChunkCount, 3, 5);
        Assert.Equal(result.ChunkCount, result.Succeeded);
        Assert.Null(result.Error);
        var final = await RunHarness.ReadRunBlobAsync($"{id}/reduce/files/totals.csv");
        Assert.Equal(Totals(InputRows(Rows), factor: 3), final);
        Assert.Equal(await SingleKernelTotalsAsync(map, reduce, csv, factor: 3), final);
        Assert.Equal(MappedRows(Rows), await RunHarness.ReadRunBlobAsync($"{id}/results/rows.csv"));

        var reduced = result.Reduce!;
        Assert.NotNull(reduced);
        Assert.Equal((reduce.Name, reduce.Version, true, 1, 3), (reduced.Notebook, reduced.Version, reduced.Succeeded, reduced.Attempts, reduced.Scraps));
        Assert.Null(reduced.Error);
        Assert.Equal(["inputs/seen.json", "totals.csv"], reduced.Files);
        Assert.Equal($"{id}/reduce/output.ipynb", reduced.NotebookBlob);
        Assert.Contains("grand_total", await RunHarness.ReadRunBlobAsync(reduced.NotebookBlob!));

        var grand = InputRows(Rows).Sum(r => r.Value);
        var scraps = new JsonObject { ["grand_total"] = grand, ["scaled_total"] = grand * 3, ["regions"] = new JsonArray("east", "north", "south", "west") };
        AssertJson(scraps, await RunJsonAsync($"{id}/reduce/scraps.json"), "reduce/scraps.json");

        // What the reduce was given: the merged results and scraps at the top, every chunk's files, and chunks.json.
        var seen = await RunJsonAsync($"{id}/reduce/files/inputs/seen.json");
        AssertJson(new JsonObject
        {
            ["run_id"] = id,
            ["chunk_count"] = result.ChunkCount,
            ["failed_chunks"] = new JsonArray(),
            ["top"] = new JsonArray("chunks", "chunks.json", "partial.csv", "rows.csv", "scraps.json"),
            ["chunk_dirs"] = Folders(Enumerable.Range(0, result.ChunkCount)),
            ["chunk_files"] = new JsonObject(Enumerable.Range(0, result.ChunkCount).Select(i => KeyValuePair.Create($"{i}", (JsonNode?)new JsonArray("partial.csv", "rows.csv")))),
            ["chunks_json"] = Statuses(result.ChunkCount),
            ["rows_from_scraps"] = Rows,
        }, seen, "seen.json");

        var manifest = await RunJsonAsync($"{id}/manifest.json");
        Assert.Equal("Completed", manifest["status"]!.GetValue<string>());
        Assert.Null(manifest["error"]);
        Assert.Equal(result.Manifest, $"{id}/manifest.json");
        AssertJson(new JsonObject { ["notebook"] = reduce.Name, ["sha256"] = reduce.Version, ["parameters"] = new JsonObject { ["factor"] = 3 } }, manifest["request"]!["reduce"], "manifest request.reduce");
        var block = manifest["reduce"]!;
        Assert.Equal((reduce.Name, reduce.Version, "succeeded", 1, $"{id}/reduce/output.ipynb"),
            (block["notebook"]!.GetValue<string>(), block["sha256"]!.GetValue<string>(), block["status"]!.GetValue<string>(), block["attempts"]!.GetValue<int>(), block["executed_notebook"]!.GetValue<string>()));
        AssertJson(new JsonArray("inputs/seen.json", "totals.csv"), block["files"], "manifest reduce.files");
        AssertJson(scraps, block["scraps"], "manifest reduce.scraps");
        Assert.Null(block["error"]);
    }

    /// <summary>The published map and reduce run directly, one kernel each, over the whole file (as NotebookRunOrchestratorTests does for a map alone).</summary>
    private static async Task<string> SingleKernelTotalsAsync((string Name, string Version) map, (string Name, string Version) reduce, string csv, int factor)
    {
        var dir = Directory.CreateTempSubdirectory("nbf-single-").FullName;
        var store = new NotebookStore(RunHarness.Blobs);
        var runner = new NotebookRunner(new NotebookExecutor());
        await File.WriteAllTextAsync(Path.Combine(dir, "data.csv"), csv);
        var mapped = Directory.CreateDirectory(Path.Combine(dir, "mapped")).FullName;
        var final = Directory.CreateDirectory(Path.Combine(dir, "final")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(dir, "map.ipynb"), (await store.GetAsync(map.Name, map.Version))!);
        await File.WriteAllBytesAsync(Path.Combine(dir, "reduce.ipynb"), (await store.GetAsync(reduce.Name, reduce.Version))!);

        (await runner.RunAsync(new NotebookRunRequest
        {
            NotebookPath = Path.Combine(dir, "map.ipynb"),
            Parameters = new JsonObject { ["input_path"] = Path.Combine(dir, "data.csv"), ["output_dir"] = mapped },
        })).ThrowIfFailed();
        (await runner.RunAsync(new NotebookRunRequest
        {
            NotebookPath = Path.Combine(dir, "reduce.ipynb"),
            Parameters = new JsonObject { ["input_path"] = mapped, ["output_dir"] = final, ["factor"] = factor },
        })).ThrowIfFailed();
        return await File.ReadAllTextAsync(Path.Combine(final, "totals.csv"));
    }

    [Fact]
    public async Task Under_continue_the_reduce_runs_over_the_chunks_that_succeeded_and_is_told_which_failed()
    {
        var reduce = await PublishReduceAsync();
        // The map names its reduce in its own metadata; the request names none.
        var map = await PublishMapNamingAsync(new JsonObject { ["notebook"] = reduce.Name, ["parameters"] = new JsonObject { ["factor"] = 2 } });
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(Rows));
        await using var harness = await RunHarness.StartAsync();
        var service = new RunService(RunHarness.Blobs, harness.Client);

        var started = await service.StartAsync(Submission(map.Name, reduce: null, container.Name, new JsonObject { ["fail_chunk"] = 1 }, onChunkFailure: "continue"), RunIdChoice.Exactly(NewRunId("reduce-continue")), CancellationToken.None);
        var (result, metadata) = await harness.WaitAsync(started.Id);

        Assert.True(result.Status == RunStatus.CompletedWithFailures, $"{result.Status}: {result.Error}");
        Assert.Equal(reduce.Name, metadata.ReadInputAs<RunRequest>()!.Reduce!.Notebook);
        Assert.Equal(1, Assert.Single(result.FailedChunks).Index);
        Assert.Equal(result.ChunkCount - 1, result.Succeeded);
        Assert.True(result.Reduce is { Succeeded: true }, result.Reduce?.ToString());

        var seen = await RunJsonAsync($"{result.RunId}/reduce/files/inputs/seen.json");
        AssertJson(new JsonArray(1), seen["failed_chunks"], "failed_chunks");
        AssertJson(Statuses(result.ChunkCount, failed: 1), seen["chunks_json"], "chunks.json");
        AssertJson(Folders(Enumerable.Range(0, result.ChunkCount).Where(i => i != 1)), seen["chunk_dirs"], "chunk folders");
        Assert.Equal(result.ChunkCount, seen["chunk_count"]!.GetValue<int>());

        // The totals are those of the rows the succeeded chunks merged, and of no others.
        var merged = RowsOf((await RunHarness.ReadRunBlobAsync($"{result.RunId}/results/rows.csv"))!);
        Assert.InRange(merged.Count, 1, Rows - 1);
        Assert.Equal(merged.Count, seen["rows_from_scraps"]!.GetValue<int>());
        Assert.Equal(Totals(merged, factor: 2), await RunHarness.ReadRunBlobAsync($"{result.RunId}/reduce/files/totals.csv"));

        var manifest = await RunJsonAsync($"{result.RunId}/manifest.json");
        Assert.Equal("CompletedWithFailures", manifest["status"]!.GetValue<string>());
        Assert.Equal("succeeded", manifest["reduce"]!["status"]!.GetValue<string>());
        AssertJson(new JsonObject { ["factor"] = 2 }, manifest["request"]!["reduce"]!["parameters"], "reduce parameters from the map's metadata");
    }

    [Fact]
    public async Task A_failing_reduce_fails_the_run_naming_its_cell_and_keeps_its_executed_notebook()
    {
        var map = await PublishMapAsync();
        var reduce = await PublishReduceAsync();
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(Rows));
        var flag = Path.Combine(Directory.CreateTempSubdirectory("nbf-reduce-flag-").FullName, "fail");
        await File.WriteAllTextAsync(flag, "fail");
        await using var harness = await RunHarness.StartAsync();

        var (result, _) = await harness.RunAsync(Request(map, reduce, container.Name, reduceParameters: new JsonObject { ["fail_flag"] = flag }));

        var id = result.RunId;
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(result.ChunkCount, result.Succeeded);
        Assert.Empty(result.FailedChunks);
        var reduced = result.Reduce!;
        Assert.False(reduced.Succeeded);
        // Retried like a chunk (the run's policy: two attempts).
        Assert.Equal(2, reduced.Attempts);
        var error = reduced.Error!;
        // Cell 3 of the executed notebook (after the injected-parameters cell): the cell with id c1.
        Assert.Equal(("CellError", 3, "c1", "RuntimeError", RefusingReduce), (error.Kind, error.CellIndex, error.CellId, error.EName, error.EValue));
        Assert.NotNull(error.ExecutionCount);
        var expected = $"reduce notebook {reduce.Name} failed after 2 attempts: CellError in cell 3 (id 'c1'), In [{error.ExecutionCount}]: RuntimeError: {RefusingReduce}";
        Assert.Equal(expected, result.Error);

        var manifest = await RunJsonAsync($"{id}/manifest.json");
        Assert.Equal("Failed", manifest["status"]!.GetValue<string>());
        Assert.Equal(expected, manifest["error"]!.GetValue<string>());
        Assert.Equal(("failed", 2), (manifest["reduce"]!["status"]!.GetValue<string>(), manifest["reduce"]!["attempts"]!.GetValue<int>()));
        Assert.Equal(error, manifest["reduce"]!["error"].Deserialize<ChunkError>());
        AssertJson(new JsonArray(), manifest["reduce"]!["files"], "a failed reduce's files");

        // The executed notebook is kept, the error on the failing cell (marked as papermill marks it); nothing after it ran.
        var executed = NotebookReader.Parse((await RunHarness.ReadRunBlobAsync($"{id}/reduce/output.ipynb"))!, "reduce/output.ipynb");
        Assert.Equal(reduced.NotebookBlob, $"{id}/reduce/output.ipynb");
        var code = executed.Cells.Where(c => c.IsCode).ToList();
        var failing = code.FindIndex(c => c.Id == "c1");
        Assert.Equal(3, failing);
        Assert.Contains(code[failing].Outputs.OfType<JsonObject>(), o => o["output_type"]?.GetValue<string>() == "error" && o["ename"]?.GetValue<string>() == "RuntimeError");
        Assert.Contains("papermill-error-cell", executed.ToText());
        Assert.Equal(["c2", "c3", "c4"], code.Skip(failing + 1).Select(c => c.Id));
        Assert.All(code.Skip(failing + 1), c => Assert.Empty(c.Outputs));
        Assert.Empty(await RunBlobsAsync($"{id}/reduce/files/"));
        // The chunks' work is merged all the same: a repair need only run the reduce again.
        Assert.Equal(MappedRows(Rows), await RunHarness.ReadRunBlobAsync($"{id}/results/rows.csv"));
    }

    [Fact]
    public async Task A_repair_reruns_only_the_failed_chunk_and_its_merge_and_reduce_cover_every_chunk()
    {
        var map = await PublishMapAsync();
        var reduce = await PublishReduceAsync();
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(Rows));
        var flag = Path.Combine(Directory.CreateTempSubdirectory("nbf-reduce-flag-").FullName, "fail");
        await File.WriteAllTextAsync(flag, "fail");
        await using var harness = await RunHarness.StartAsync();
        var service = new RunService(RunHarness.Blobs, harness.Client);
        var submission = Submission(map.Name, reduce.Name, container.Name, new JsonObject { ["fail_flag"] = flag }, onChunkFailure: "continue");

        var original = await service.StartAsync(submission, RunIdChoice.Exactly(NewRunId("reduce-repair")), CancellationToken.None);
        var (failed, _) = await harness.WaitAsync(original.Id);
        Assert.True(failed.Status == RunStatus.CompletedWithFailures, $"{failed.Status}: {failed.Error}");
        Assert.Equal(1, Assert.Single(failed.FailedChunks).Index);
        File.Delete(flag);

        var repair = await service.RepairAsync(original.Id, CancellationToken.None);
        var (result, metadata) = await harness.WaitAsync(repair.Id);

        Assert.Equal(($"{original.Id}-repair", true, original.Id), (repair.Id, repair.Started, repair.RepairOf));
        Assert.Equal([1], repair.Chunks!);
        var request = metadata.ReadInputAs<RunRequest>()!;
        Assert.Equal(original.Id, request.RepairOf);
        Assert.Equal([1], request.OnlyChunks!);
        Assert.True(result.Status == RunStatus.Completed, $"{result.Status}: {result.Error}");
        Assert.Equal((failed.ChunkCount, failed.ChunkCount, 0), (result.ChunkCount, result.Succeeded, result.Failed));
        Assert.Equal([1], await ChunksRunByAsync(repair.Id));

        // What a clean run gives (The_reduce_over_the_merged_chunks_gives_what_one_kernel_gives_over_the_whole_file holds a clean run to these).
        Assert.Equal(MappedRows(Rows), await RunHarness.ReadRunBlobAsync($"{repair.Id}/results/rows.csv"));
        Assert.Equal(Totals(InputRows(Rows), factor: 1), await RunHarness.ReadRunBlobAsync($"{repair.Id}/reduce/files/totals.csv"));
        Assert.True(result.Reduce is { Succeeded: true }, result.Reduce?.ToString());
        var seen = await RunJsonAsync($"{repair.Id}/reduce/files/inputs/seen.json");
        AssertJson(new JsonArray(), seen["failed_chunks"], "failed_chunks");
        AssertJson(Statuses(result.ChunkCount), seen["chunks_json"], "chunks.json");
        AssertJson(Folders(Enumerable.Range(0, result.ChunkCount)), seen["chunk_dirs"], "chunk folders");
        Assert.Equal(Rows, seen["rows_from_scraps"]!.GetValue<int>());

        var manifest = await RunJsonAsync($"{repair.Id}/manifest.json");
        Assert.Equal(("Completed", "succeeded"), (manifest["status"]!.GetValue<string>(), manifest["reduce"]!["status"]!.GetValue<string>()));
        var chunks = manifest["chunks"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, result.ChunkCount), chunks.Select(c => c!["index"]!.GetValue<int>()));
        Assert.All(chunks, c => Assert.Equal("succeeded", c!["status"]!.GetValue<string>()));
        // Kept chunks name the run that stored them; the one run again is this run's own.
        Assert.All(chunks.Where(c => c!["index"]!.GetValue<int>() != 1), c => Assert.Equal(original.Id, c!["run"]?.GetValue<string>()));
        Assert.Null(chunks.Single(c => c!["index"]!.GetValue<int>() == 1)!["run"]);

        var again = await Assert.ThrowsAsync<RunRefusalException>(() => service.RepairAsync(repair.Id, CancellationToken.None));
        Assert.Equal(RunRefusalKind.Conflict, again.Kind);
    }

    [Fact]
    public async Task A_run_whose_reduce_alone_failed_is_repaired_by_running_the_reduce_again()
    {
        var map = await PublishMapAsync();
        var reduce = await PublishReduceAsync();
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(Rows));
        var flag = Path.Combine(Directory.CreateTempSubdirectory("nbf-reduce-flag-").FullName, "fail");
        await File.WriteAllTextAsync(flag, "fail");
        await using var harness = await RunHarness.StartAsync();
        var service = new RunService(RunHarness.Blobs, harness.Client);
        var submission = Submission(map.Name, reduce.Name, container.Name, reduceParameters: new JsonObject { ["fail_flag"] = flag });

        var original = await service.StartAsync(submission, RunIdChoice.Exactly(NewRunId("reduce-again")), CancellationToken.None);
        var (failed, _) = await harness.WaitAsync(original.Id);
        Assert.True(failed.Status == RunStatus.Failed, $"{failed.Status}: {failed.Error}");
        Assert.Equal(failed.ChunkCount, failed.Succeeded);
        Assert.True(failed.Reduce is { Succeeded: false }, failed.Reduce?.ToString());
        File.Delete(flag);

        var repair = await service.RepairAsync(original.Id, CancellationToken.None);
        var (result, _) = await harness.WaitAsync(repair.Id);

        Assert.Empty(repair.Chunks!);
        Assert.True(result.Status == RunStatus.Completed, $"{result.Status}: {result.Error}");
        Assert.Equal((failed.ChunkCount, failed.ChunkCount, 0), (result.ChunkCount, result.Succeeded, result.Failed));
        Assert.Empty(await ChunksRunByAsync(repair.Id));
        Assert.True(result.Reduce is { Succeeded: true, Attempts: 1 }, result.Reduce?.ToString());
        Assert.Equal(MappedRows(Rows), await RunHarness.ReadRunBlobAsync($"{repair.Id}/results/rows.csv"));
        Assert.Equal(Totals(InputRows(Rows), factor: 1), await RunHarness.ReadRunBlobAsync($"{repair.Id}/reduce/files/totals.csv"));
        var manifest = await RunJsonAsync($"{repair.Id}/manifest.json");
        Assert.Equal("Completed", manifest["status"]!.GetValue<string>());
        Assert.All(manifest["chunks"]!.AsArray(), c => Assert.Equal(original.Id, c!["run"]?.GetValue<string>()));
    }

    [Fact]
    public async Task A_bad_reduce_is_refused_naming_its_field_and_nothing_is_scheduled()
    {
        var map = await PublishMapAsync();
        var reduce = await PublishReduceAsync();
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(20));
        var unpublished = $"nb-unpublished-{Guid.NewGuid():N}"[..30];
        var namesUnpublished = await PublishMapNamingAsync(unpublished);
        var namesUnpublishedFile = await PublishMapNamingAsync($"{unpublished.Replace('-', '_')}.ipynb");
        var namesReserved = await PublishMapNamingAsync(new JsonObject { ["notebook"] = reduce.Name, ["parameters"] = new JsonObject { ["run_id"] = "mine" } });
        await using var harness = await RunHarness.StartAsync();
        var service = new RunService(RunHarness.Blobs, harness.Client);
        RunSubmission WithReduce(ReduceSubmission r) => Submission(map.Name, null, container.Name) with { Reduce = r };

        var cases = new (string Name, RunSubmission Submission, RunRefusalKind Kind, string Field)[]
        {
            ("unknown reduce notebook", WithReduce(new() { Notebook = unpublished }), RunRefusalKind.NotFound, "reduce.notebook"),
            ("reduce version never published", WithReduce(new() { Notebook = reduce.Name, Version = new string('a', 64) }), RunRefusalKind.NotFound, "reduce.version"),
            ("reduce version not a sha256", WithReduce(new() { Notebook = reduce.Name, Version = "latest" }), RunRefusalKind.Invalid, "reduce.version"),
            ("reduce parameter of the wrong type", WithReduce(new() { Notebook = reduce.Name, Parameters = new JsonObject { ["factor"] = "two" } }), RunRefusalKind.Invalid, "reduce.parameters.factor"),
            ("undeclared reduce parameter", WithReduce(new() { Notebook = reduce.Name, Parameters = new JsonObject { ["factr"] = 2 } }), RunRefusalKind.Invalid, "reduce.parameters.factr"),
            ("reserved reduce parameter failed_chunks", WithReduce(new() { Notebook = reduce.Name, Parameters = new JsonObject { ["failed_chunks"] = new JsonArray(1) } }), RunRefusalKind.Invalid, "reduce.parameters.failed_chunks"),
            ("reserved reduce parameter input_path", WithReduce(new() { Notebook = reduce.Name, Parameters = new JsonObject { ["input_path"] = "/etc" } }), RunRefusalKind.Invalid, "reduce.parameters.input_path"),
            ("map metadata names an unpublished reduce", Submission(namesUnpublished.Name, null, container.Name), RunRefusalKind.NotFound, "notebook"),
            ("map metadata names an unpublished reduce file", Submission(namesUnpublishedFile.Name, null, container.Name), RunRefusalKind.NotFound, "notebook"),
            ("map metadata gives its reduce a reserved parameter", Submission(namesReserved.Name, null, container.Name), RunRefusalKind.Invalid, "reduce.parameters.run_id"),
        };

        foreach (var (name, submission, kind, field) in cases)
        {
            var id = NewRunId("refused");
            var thrown = await Record.ExceptionAsync(() => service.StartAsync(submission, RunIdChoice.Exactly(id), CancellationToken.None));

            Assert.True(thrown is not null, $"{name}: started run {id}");
            // Mapped as every door maps it (the API's problem document, nbf's exit code).
            var refusal = RunRefusalException.From(thrown);
            Assert.True(refusal is not null, $"{name}: not refused: {thrown}");
            Assert.True((refusal.Kind, refusal.Field) == (kind, field), $"{name}: expected {kind} of '{field}', got {refusal.Kind} of '{refusal.Field}': {refusal.Message}");
            Assert.Null(await harness.Client.GetInstanceAsync(id));
            Assert.Empty(await RunBlobsAsync($"{id}/"));
        }
    }

    [Fact]
    public async Task A_map_notebook_names_its_reduce_by_name_by_file_or_in_full_and_the_request_resolves_it()
    {
        var reduce = await PublishReduceAsync();
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(20));
        var byName = await PublishMapNamingAsync(reduce.Name);
        // "nb_1234.ipynb": the file nbf publishes as nb-1234 (NotebookStore.NameFromPath).
        var byFile = await PublishMapNamingAsync($"{reduce.Name.Replace('-', '_')}.ipynb");
        var inFull = await PublishMapNamingAsync(new JsonObject { ["notebook"] = reduce.Name, ["version"] = reduce.Version, ["parameters"] = new JsonObject { ["factor"] = 4 } });
        var overridden = await PublishMapNamingAsync("nb-never-published");
        var validator = new RunValidator(RunHarness.Blobs, secrets: null);

        foreach (var (map, parameters) in new[] { (byName, new JsonObject()), (byFile, new JsonObject()), (inFull, new JsonObject { ["factor"] = 4 }) })
        {
            var request = await validator.ValidateAsync(Submission(map.Name, null, container.Name), CancellationToken.None);
            Assert.Equal((reduce.Name, reduce.Version), (request.Reduce!.Notebook, request.Reduce.Version));
            AssertJson(parameters, request.Reduce.Parameters, $"{map.Name}'s reduce parameters");
        }

        // The request's own reduce wins over the one the notebook names.
        var asked = await validator.ValidateAsync(Submission(overridden.Name, reduce.Name, container.Name), CancellationToken.None);
        Assert.Equal((reduce.Name, reduce.Version), (asked.Reduce!.Notebook, asked.Reduce.Version));
        // A notebook that names none, and a request without one: no reduce.
        var none = await validator.ValidateAsync(Submission((await PublishMapAsync()).Name, null, container.Name), CancellationToken.None);
        Assert.Null(none.Reduce);
    }
}
