using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>What `nbf resume` says before it resumes a run whose local input changed: only files a chunk still has to read count.</summary>
public sealed class StoredPlansTests
{
    [Fact]
    public async Task A_changed_local_file_is_named_only_while_a_chunk_that_has_not_run_still_reads_it()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-plans-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "a.csv"), "x\n1\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "b.csv"), "x\n2\n");
        var chunks = await LocalInputs.PlanAsync(new InputSpec { Container = LocalInputs.Container, LocalPath = folder, Mode = ChunkMode.PerBlob }, CancellationToken.None);
        var runId = $"plans-{Guid.NewGuid():N}"[..20];
        var store = new RunStore(RunHarness.Blobs);
        await store.EnsureCreatedAsync();
        await store.UploadTextAsync(StorageLayout.PlanBlob(runId), System.Text.Json.JsonSerializer.Serialize(new ChunkPlan(chunks)));
        var first = chunks.Single(c => c.Blob == "a.csv");
        // The chunk reading a.csv has run: its executed notebook is stored.
        await store.UploadTextAsync(StorageLayout.ChunkNotebookBlob(runId, first.Index), "{}");

        Assert.Null(await StoredPlans.ChangedLocalInputAsync(RunHarness.Blobs, runId));
        await File.AppendAllTextAsync(Path.Combine(folder, "a.csv"), "3\n");
        Assert.Null(await StoredPlans.ChangedLocalInputAsync(RunHarness.Blobs, runId));
        await File.AppendAllTextAsync(Path.Combine(folder, "b.csv"), "4\n");
        var changed = await StoredPlans.ChangedLocalInputAsync(RunHarness.Blobs, runId);

        Assert.NotNull(changed);
        Assert.Contains($"local input file {Path.Combine(folder, "b.csv")} changed since the run was planned", changed, StringComparison.Ordinal);
        Assert.Null(await StoredPlans.ChangedLocalInputAsync(RunHarness.Blobs, $"noplan-{Guid.NewGuid():N}"[..20]));
    }
}
