namespace NotebookFunctions.Cli.Tests;

/// <summary>The run journal is kept per storage: a run accepted against one storage is never started again in another whose task hub has the same name.</summary>
public sealed class RunJournalTests
{
    [Fact]
    public async Task A_run_journaled_against_one_storage_is_not_started_again_in_another_with_the_same_task_hub()
    {
        var folder = NbfProcess.TempFolder();
        await using var first = await PrivateAzurite.StartAsync(Path.Combine(folder, "first"));
        await using var second = await PrivateAzurite.StartAsync(Path.Combine(folder, "second"));
        var hub = $"nbfj{Guid.NewGuid():N}"[..16];
        // One machine's state folder for both (the journal lives beside it), as for a user who switches NBF_STORAGE.
        Dictionary<string, string> On(PrivateAzurite storage) => new()
        {
            ["NBF_STORAGE"] = storage.ConnectionString,
            ["NBF_AZURITE_DATA"] = Path.Combine(folder, "state", "azurite"),
            ["NBF_TASK_HUB"] = hub,
        };
        var notebook = TestNotebooks.Write(folder, "journaled.ipynb", "input_path = 'in.csv'\noutput_dir = 'out'", "print(open(input_path).read())");
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, "v\n1\n");
        var runId = $"jrn-{Guid.NewGuid():N}"[..16];

        var started = await NbfProcess.RunAsync(On(first), "run", notebook, "--input", data, "--detach", "--run-id", runId);
        Assert.True(started.ExitCode == 0, started.Stderr);
        // Past the journal's settle time, when a host would start a journaled run storage lost.
        await Task.Delay(TimeSpan.FromSeconds(6));
        var elsewhere = await NbfProcess.RunAsync(On(second), "resume");
        var status = await NbfProcess.RunAsync(On(second), "status", runId);

        Assert.True(elsewhere.ExitCode == 0, elsewhere.Stderr);
        Assert.DoesNotContain("started again from the run journal", elsewhere.Stderr, StringComparison.Ordinal);
        Assert.Contains("no runs in flight", elsewhere.Stderr, StringComparison.Ordinal);
        Assert.Equal(5, status.ExitCode);
        // Where it was accepted, it is still there to run.
        var there = await NbfProcess.RunAsync(On(first), "status", runId);
        Assert.Contains($"run {runId}:", there.Stdout, StringComparison.Ordinal);
    }
}
