using System.Text;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>
/// Each attempt at a chunk leaves a record a run's view reads while the run goes on: a marker when it starts, and its
/// outcome (failed with cell, exception and value, secrets masked as in the manifest; or succeeded) on its notebook.
/// </summary>
public sealed class ChunkOutcomeRecordTests
{
    [Fact]
    public async Task A_chunk_s_outcome_is_kept_on_its_notebook_with_the_attempt_and_the_failing_cell_secrets_masked()
    {
        var secret = $"outcome-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable("NBF_OUTCOME_SECRET", secret);
        var notebook = await RunHarness.PublishAsync("input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0",
            "import os",
            "if chunk_index == 1:\n    raise PermissionError('token ' + os.environ['NBF_OUTCOME_SECRET'] + ' refused ' + 'é' * 2000)");
        var container = await RunHarness.UploadInputAsync("data.csv", "id\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"{i}\n")));
        await using var harness = await RunHarness.StartAsync();

        var (result, _) = await harness.RunAsync(new RunRequest
        {
            Notebook = notebook.Name,
            Version = notebook.Version,
            Input = new InputSpec { Container = container.Name, Prefix = "data.csv", TargetChunkBytes = 500 },
            MaxParallelChunks = 2,
            Retry = new ChunkRetryPolicy(MaxAttempts: 2, FirstDelaySeconds: 0.1),
            OnChunkFailure = FailurePolicy.Continue,
            Secrets = ["NBF_OUTCOME_SECRET"],
        });

        var stored = await new RunStore(RunHarness.Blobs).ListWithMetadataAsync($"{result.RunId}/chunks/");
        var succeeded = ChunkOutcomeMetadata.Read(stored[StorageLayout.ChunkNotebookBlob(result.RunId, 0)]);
        var failed = ChunkOutcomeMetadata.Read(stored[StorageLayout.ChunkNotebookBlob(result.RunId, 1)]);
        var startedAttempt = ChunkOutcomeMetadata.AttemptOf(stored[StorageLayout.ChunkStartedBlob(result.RunId, 1)]);
        var everything = string.Join('\n', stored.Values.SelectMany(m => m.Values).Select(v => v + Encoding.UTF8.GetString(TryBase64(v))));

        Assert.Equal(RunStatus.CompletedWithFailures, result.Status);
        Assert.Equal(new ChunkOutcome(1, true, null), succeeded);
        Assert.NotNull(failed);
        Assert.Equal((2, false), (failed.Attempt, failed.Succeeded));
        Assert.Equal(2, startedAttempt);
        Assert.Equal(("CellError", 3, "c1", "PermissionError"), (failed.Error!.Kind, failed.Error.CellIndex, failed.Error.CellId, failed.Error.EName));
        Assert.StartsWith("token *** refused éé", failed.Error.EValue);
        Assert.Equal(ChunkOutcomeMetadata.MaxTextLength + 1, failed.Error.EValue.Length);
        Assert.EndsWith("…", failed.Error.EValue);
        Assert.DoesNotContain(secret, everything);
    }

    private static byte[] TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : [];
    }
}
