using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// A run in batches on the local durable host keeps nothing per chunk in its own history: no chunk's spec and no
/// chunk's record, read from the task hub's history table itself. The Durable Task worker fails an orchestrator step
/// over 3.9 MB, and a run of 10,000 chunks that carried its plan and every chunk's record through its history ended
/// Failed after its last batch.
/// </summary>
public sealed class BatchedRunHistoryTests
{
    private const string Storage = "UseDevelopmentStorage=true";

    [Fact]
    public async Task A_batched_run_holds_no_chunk_spec_or_record_in_its_own_history()
    {
        var dir = NbfProcess.TempFolder();
        var notebook = TestNotebooks.Write(dir, "count.ipynb", "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0",
            "import os\nrows = sum(1 for _ in open(input_path)) - 1\nwith open(os.path.join(output_dir, 'rows.csv'), 'w') as f:\n    f.write(f'chunk,rows\\n{chunk_index},{rows}\\n')");
        var data = Path.Combine(dir, "data.csv");
        const int Rows = 5000;
        await File.WriteAllTextAsync(data, "id,value\n" + string.Concat(Enumerable.Range(0, Rows).Select(i => $"{i},{i % 10}\n")));
        var hub = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfh{Guid.NewGuid():N}"[..16], ["NBF_CHUNK_BATCH_SIZE"] = "10" };
        var runId = $"hist-{Guid.NewGuid():N}"[..16];

        var run = await NbfProcess.RunAsync(hub, "run", notebook, "--input", data, "--split", "1KB", "--parallel", "2", "--run-id", runId);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var runs = new BlobServiceClient(Storage).GetBlobContainerClient("runs");
        var merged = (await runs.GetBlobClient($"{runId}/results/rows.csv").DownloadContentAsync()).Value.Content.ToString()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        // More than three batches of ten, every chunk merged once, in order, and every row counted once.
        Assert.InRange(merged.Count, 31, 60);
        Assert.Equal(Enumerable.Range(0, merged.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), merged.Select(m => m[0]));
        Assert.Equal(Rows, merged.Sum(m => int.Parse(m[1], System.Globalization.CultureInfo.InvariantCulture)));

        var history = new TableServiceClient(Storage).GetTableClient($"{hub["NBF_TASK_HUB"]}History");
        var (rows, text) = (0, new System.Text.StringBuilder());
        await foreach (var entity in history.QueryAsync<TableEntity>(e => e.PartitionKey == runId))
        {
            rows++;
            foreach (var (_, value) in entity) text.Append(value).Append('\n');
        }

        var all = text.ToString();
        Assert.True(rows > 10, $"only {rows} history rows of run {runId}");
        // No chunk spec (a byte range of the input) and no chunk's record (its executed notebook's blob) ...
        Assert.DoesNotContain("HeaderLength", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain($"{runId}/chunks/", all, StringComparison.Ordinal);
        // ... but the blobs holding each batch's records (named by their first chunk's position in the plan).
        Assert.Contains($"{runId}/records/30.json", all, StringComparison.Ordinal);
        Assert.DoesNotContain("BlobName", string.Join(',', await ColumnsAsync(history, runId)), StringComparison.Ordinal);
    }

    /// <summary>The columns of the run's history rows: a payload too big for a row would be offloaded to a blob, named in an "...BlobName" column.</summary>
    private static async Task<HashSet<string>> ColumnsAsync(TableClient history, string runId)
    {
        var columns = new HashSet<string>();
        await foreach (var entity in history.QueryAsync<TableEntity>(e => e.PartitionKey == runId)) columns.UnionWith(entity.Keys);
        return columns;
    }
}
