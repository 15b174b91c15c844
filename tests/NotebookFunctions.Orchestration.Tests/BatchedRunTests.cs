using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>
/// A run of more chunks than a batch holds runs them in batches, each a sub-orchestration, so the run's history stays
/// bounded; the outcome is the one a single orchestration gives: every chunk once, merged in order, failures where
/// they happened, progress counted across the batches.
/// </summary>
public sealed class BatchedRunTests
{
    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0\nfail_chunk = -1";

    private static readonly string[] Cells =
    [
        "import os\nif chunk_index == fail_chunk:\n    raise ValueError(f'chunk {chunk_index} refuses ' + 'x' * 50000)\n" +
        "with open(os.path.join(output_dir, 'counts.jsonl'), 'w') as f:\n    f.write('{\"chunk\": %d, \"lines\": %d}\\n' % (chunk_index, sum(1 for _ in open(input_path)) - 1))",
    ];

    [Fact]
    public async Task Chunks_in_batches_of_ten_merge_once_in_order_with_the_failure_where_it_happened()
    {
        var notebook = await RunHarness.PublishAsync(Parameters, Cells);
        var rows = 240;
        var container = await RunHarness.UploadInputAsync("data.csv", "id,value\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{i % 10}\n")));
        await using var harness = await RunHarness.StartAsync(services => services.AddSingleton(new ChunkBatching(10)));
        var request = new RunRequest
        {
            Notebook = notebook.Name,
            Version = notebook.Version,
            Parameters = new JsonObject { ["fail_chunk"] = 23 },
            Input = new InputSpec { Container = container.Name, Prefix = "data.csv", TargetChunkBytes = 40 },
            MaxParallelChunks = 2,
            OnChunkFailure = FailurePolicy.Continue,
            Retry = new ChunkRetryPolicy(MaxAttempts: 1, FirstDelaySeconds: 0.1),
        };
        var runId = $"run-{Guid.NewGuid():N}";

        var id = await harness.Client.ScheduleNewOrchestrationInstanceAsync(nameof(NotebookRunOrchestrator), request, new StartOrchestrationOptions(runId));
        // While it runs, the run's status names the batches in flight (whose own status counts their chunks).
        string? batchesSeen = null;
        var statuses = new List<string>();
        for (var i = 0; i < 600 && batchesSeen is null; i++)
        {
            var now = await harness.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (now?.SerializedCustomStatus is { } status) statuses.Add(status);
            if (now?.SerializedCustomStatus is { } seen && seen.Contains("@batch-", StringComparison.Ordinal)) batchesSeen = seen;
            else await Task.Delay(100);
        }

        var (result, _) = await harness.WaitAsync(id);

        Assert.True(batchesSeen is not null, string.Join("\n", statuses.Distinct().Take(5)));
        Assert.Contains($"\"{runId}@batch-0\"", batchesSeen, StringComparison.Ordinal);
        Assert.Equal(RunStatus.CompletedWithFailures, result.Status);
        Assert.InRange(result.ChunkCount, 25, 60);
        Assert.Equal(result.ChunkCount - 1, result.Succeeded);
        Assert.Equal(23, Assert.Single(result.FailedChunks).Index);
        Assert.Contains("chunk 23 refuses", result.FailedChunks[0].Error!.ToString(), StringComparison.Ordinal);
        // A 50 KB message is kept short in the record (it travels through history and status); the notebook has it whole.
        Assert.InRange(result.FailedChunks[0].Error!.EValue.Length, 1000, ChunkError.MaxValueLength);
        Assert.Contains("50,017 characters in all", result.FailedChunks[0].Error!.EValue, StringComparison.Ordinal);
        Assert.Contains(new string('x', 50000), (await RunHarness.ReadRunBlobAsync($"{runId}/chunks/23/output.ipynb"))!, StringComparison.Ordinal);
        var counts = (await RunHarness.ReadRunBlobAsync($"{runId}/results/counts.jsonl"))!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Enumerable.Range(0, result.ChunkCount).Where(i => i != 23), counts.Select(c => c["chunk"]!.GetValue<int>()));
        // Every row once, but those of the chunk that failed (a few lines of ~40 bytes).
        Assert.InRange(rows - counts.Sum(c => c["lines"]!.GetValue<int>()), 1, 20);
        var manifest = JsonNode.Parse((await RunHarness.ReadRunBlobAsync($"{runId}/manifest.json"))!)!;
        Assert.Equal(Enumerable.Range(0, result.ChunkCount), manifest["chunks"]!.AsArray().Select(c => c!["index"]!.GetValue<int>()));
        // The environment is recorded once, by the run's first chunk (in the first batch).
        Assert.Equal("python", manifest["environment"]!["language"]!.GetValue<string>());
        for (var batch = 0; batch < (result.ChunkCount + 9) / 10; batch++)
        {
            var state = await harness.Client.GetInstanceAsync($"{runId}@batch-{batch}");
            Assert.True(state?.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"batch {batch}: {state?.RuntimeStatus}");
        }

        Assert.Null(await harness.Client.GetInstanceAsync($"{runId}@batch-{(result.ChunkCount + 9) / 10}"));

        // Each batch stored its records for the merge, a hundred a blob at most: all chunks, once each.
        var stored = new List<int>();
        foreach (var name in (await new Core.Storage.RunStore(RunHarness.Blobs).ListAsync($"{runId}/records/")))
            stored.AddRange(JsonNode.Parse((await RunHarness.ReadRunBlobAsync(name))!)!.AsArray().Select(r => r!["Index"]!.GetValue<int>()));
        Assert.Equal(Enumerable.Range(0, result.ChunkCount), stored.Order());
    }
}
