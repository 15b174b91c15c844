using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Pipelines;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>Pipelines end to end: a graph of notebook steps as one durable run, on the in-memory host with Azurite and real kernels.</summary>
public sealed class PipelineTests
{
    /// <summary>Writes when it ran, and what its input held, to output_dir/{name}.txt; sleeps so that overlaps show.</summary>
    private const string StepParameters = "input_path = 'in'\noutput_dir = 'out'\nname = 'step'\nseconds: float = 0\nfail_flag = ''";

    private static readonly string[] StepCells =
    [
        "import os, time\nif fail_flag and os.path.exists(fail_flag):\n    raise RuntimeError(f'{name} refuses: {fail_flag} exists')",
        "started = time.time()\ntime.sleep(seconds)\nseen = sorted(os.path.relpath(os.path.join(d, f), input_path) for d, _, fs in os.walk(input_path) for f in fs)\n" +
        "with open(os.path.join(output_dir, name + '.txt'), 'w') as f:\n    f.write(f'{started} {time.time()}\\n' + '\\n'.join(seen) + '\\n')",
    ];

    private static async Task<string> PublishStepNotebookAsync()
    {
        var store = new NotebookStore(RunHarness.Blobs);
        await store.EnsureCreatedAsync();
        var name = $"step-{Guid.NewGuid():N}"[..16];
        await store.PublishAsync(name, Encoding.UTF8.GetBytes(TestNotebooks.Text(StepParameters, StepCells)));
        return name;
    }

    private static JsonObject Diamond(string notebook, double seconds = 3, string? flag = null) => (JsonObject)JsonNode.Parse($$$"""
        {
          "parameters": {"pause": {{{seconds.ToString(CultureInfo.InvariantCulture)}}}, "flag": {"type": "str", "default": "{{{flag ?? string.Empty}}}"}},
          "steps": {
            "a": {"notebook": "{{{notebook}}}", "parameters": {"name": "a"}},
            "b": {"notebook": "{{{notebook}}}", "depends_on": ["a"], "input": {"step": "a"}, "parameters": {"name": "b", "seconds": "${pause}", "fail_flag": "${flag}"}},
            "c": {"notebook": "{{{notebook}}}", "depends_on": ["a"], "input": {"step": "a"}, "parameters": {"name": "c", "seconds": "${pause}"}},
            "d": {"notebook": "{{{notebook}}}", "depends_on": ["b", "c"], "input": {"step": ["b", "c"]}, "parameters": {"name": "d"}}
          }
        }
        """)!;

    private static async Task<(StartedRun Started, OrchestrationMetadata State)> RunAsync(RunHarness harness, RunService service, string pipeline, JsonObject? values = null)
    {
        var started = await service.StartPipelineAsync(new PipelineSubmission { Pipeline = pipeline, Parameters = values }, RunIdChoice.Fresh, CancellationToken.None);
        return (started, (await harness.WaitAsync(started.Id)).Metadata);
    }

    private static async Task<(double Start, double End, string[] Seen)> StepFileAsync(string record, string name)
    {
        var text = await RunHarness.ReadRunBlobAsync($"{record}/results/{name}.txt") ?? throw new InvalidOperationException($"no {record}/results/{name}.txt");
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var times = lines[0].Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        return (times[0], times[1], lines[1..]);
    }

    [Fact]
    public async Task A_diamond_runs_its_independent_steps_at_the_same_time_and_joins_their_results()
    {
        var notebook = await PublishStepNotebookAsync();
        await using var harness = await RunHarness.StartAsync();
        var service = new RunService(RunHarness.Blobs, harness.Client);
        var pipeline = $"diamond-{Guid.NewGuid():N}"[..20];
        await service.PublishPipelineAsync(pipeline, Diamond(notebook), null, CancellationToken.None);

        var (started, state) = await RunAsync(harness, service, pipeline);

        var result = state.ReadOutputAs<PipelineResult>()!;
        Assert.True(result.Status == RunStatus.Completed, string.Join("; ", result.Steps.Select(s => $"{s.Name} {s.Status} {s.Error}")));
        var b = await StepFileAsync(StorageLayout.StepRecord(started.Id, "b"), "b");
        var c = await StepFileAsync(StorageLayout.StepRecord(started.Id, "c"), "c");
        Assert.True(b.Start < c.End && c.Start < b.End, $"b ran {b.Start}..{b.End}, c ran {c.Start}..{c.End}: they did not overlap");
        // A step reads the files the step before it wrote, not the scraps its run gathered.
        Assert.Equal(["a.txt"], b.Seen);
        var d = await StepFileAsync(StorageLayout.StepRecord(started.Id, "d"), "d");
        Assert.Equal(["b/b.txt", "c/c.txt"], d.Seen);
        Assert.True(d.Start >= Math.Max(b.End, c.End), "d started before both of its dependencies ended");
        var manifest = JsonNode.Parse((await RunHarness.ReadRunBlobAsync(StorageLayout.ManifestBlob(started.Id)))!)!;
        Assert.Equal(["a", "b", "c", "d"], manifest["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).Order());
        Assert.All(manifest["steps"]!.AsArray(), s => Assert.Equal("Completed", s!["status"]!.GetValue<string>()));
    }
}
