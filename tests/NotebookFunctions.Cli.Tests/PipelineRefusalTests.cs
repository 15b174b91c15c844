namespace NotebookFunctions.Cli.Tests;

/// <summary>A pipeline refused once the local host has started (what only storage can tell) ends with a refusal, never a crash.</summary>
public sealed class PipelineRefusalTests
{
    [Fact]
    public async Task A_pipeline_refused_right_after_the_host_started_exits_2_naming_the_field_every_time()
    {
        var folder = NbfProcess.TempFolder();
        var pipeline = Path.Combine(folder, "late.pipeline.yaml");
        // Shape and graph are fine; only the published notebook's schema shows that the value does not fit.
        TestNotebooks.Write(folder, "typed.ipynb", "n: int = 0", "print(n)");
        await File.WriteAllTextAsync(pipeline, "steps:\n  only:\n    notebook: typed.ipynb\n    parameters: {n: many}\n");
        var hub = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfr{Guid.NewGuid():N}"[..16] };

        // The host's dispatcher starts the backend on its own after the host started: a command refused within that
        // window once stopped the host under it, and the process died (exit 134) instead of answering.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var result = await NbfProcess.RunAsync(hub, "run", pipeline);
            Assert.True(result.ExitCode == 2, $"attempt {attempt}: exit {result.ExitCode}\n{result.Stderr}");
            Assert.Contains("(field 'steps.only.parameters.n')", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
        }
    }
}
