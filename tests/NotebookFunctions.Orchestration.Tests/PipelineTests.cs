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

    /// <summary>A JSON template with @name@ holes filled.</summary>
    private static string Fill(string template, params (string Name, string Value)[] values) =>
        values.Aggregate(template, (text, v) => text.Replace($"@{v.Name}@", v.Value, StringComparison.Ordinal));

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

    [Fact]
    public async Task A_failed_step_stops_its_dependants_and_a_repair_runs_only_it_and_them_again()
    {
        var notebook = await PublishStepNotebookAsync();
        var flag = Path.Combine(Directory.CreateTempSubdirectory("nbf-flag-").FullName, "fail");
        await File.WriteAllTextAsync(flag, "fail");
        await using var harness = await RunHarness.StartAsync();
        var service = new RunService(RunHarness.Blobs, harness.Client);
        var pipeline = $"repair-{Guid.NewGuid():N}"[..20];
        await service.PublishPipelineAsync(pipeline, Diamond(notebook, seconds: 0, flag: flag), null, CancellationToken.None);

        var (started, state) = await RunAsync(harness, service, pipeline);

        var failed = state.ReadOutputAs<PipelineResult>()!;
        Assert.Equal(RunStatus.Failed, failed.Status);
        var status = failed.Steps.ToDictionary(s => s.Name, s => s.Status);
        Assert.Equal(("Completed", "Failed", "Completed", "Skipped"), (status["a"], status["b"], status["c"], status["d"]));
        Assert.Contains("b refuses", failed.Steps.Single(s => s.Name == "b").Error, StringComparison.Ordinal);
        Assert.Contains("'b'", failed.Steps.Single(s => s.Name == "d").Error, StringComparison.Ordinal);
        Assert.Contains("step 'b' failed", failed.Error, StringComparison.Ordinal);
        Assert.Null(await RunHarness.ReadRunBlobAsync(StorageLayout.ManifestBlob(StorageLayout.StepRecord(started.Id, "d"))));

        File.Delete(flag);
        var repair = await service.RepairAsync(started.Id, CancellationToken.None);
        var repaired = (await harness.WaitAsync(repair.Id)).Metadata.ReadOutputAs<PipelineResult>()!;

        Assert.Equal($"{started.Id}-repair", repair.Id);
        Assert.Equal(RunStatus.Completed, repaired.Status);
        var again = repaired.Steps.ToDictionary(s => s.Name);
        Assert.Equal(("Reused", "Completed", "Reused", "Completed"), (again["a"].Status, again["b"].Status, again["c"].Status, again["d"].Status));
        // Reused steps keep their records where they are; the steps run again write under the repair.
        Assert.Equal(StorageLayout.StepRecord(started.Id, "a"), again["a"].Record);
        Assert.Equal(StorageLayout.StepRecord(repair.Id, "b"), again["b"].Record);
        var d = await StepFileAsync(again["d"].Record, "d");
        Assert.Equal(["b/b.txt", "c/c.txt"], d.Seen);
        var b = await StepFileAsync(again["b"].Record, "b");
        Assert.Equal(["a.txt"], b.Seen);
        var conflict = await Assert.ThrowsAsync<RunRefusalException>(() => service.RepairAsync(repair.Id, CancellationToken.None));
        Assert.Equal(RunRefusalKind.Conflict, conflict.Kind);
    }

    [Fact]
    public async Task Publishing_refuses_a_cycle_an_unknown_step_and_an_unknown_notebook_naming_the_steps_and_stores_nothing()
    {
        var notebook = await PublishStepNotebookAsync();
        await using var harness = await RunHarness.StartAsync();
        var service = new RunService(RunHarness.Blobs, harness.Client);
        var pipeline = $"bad-{Guid.NewGuid():N}"[..20];
        async Task<RunRefusalException> RefusedAsync(string json) =>
            await Assert.ThrowsAsync<RunRefusalException>(() => service.PublishPipelineAsync(pipeline, JsonNode.Parse(json), null, CancellationToken.None));

        var cycle = await RefusedAsync(Fill("""{"steps": {"a": {"notebook": "@notebook@", "depends_on": ["c"]}, "b": {"notebook": "@notebook@", "depends_on": ["a"]}, "c": {"notebook": "@notebook@", "depends_on": ["b"]}}}""", ("notebook", notebook)));
        var unknownStep = await RefusedAsync(Fill("""{"steps": {"a": {"notebook": "@notebook@"}, "b": {"notebook": "@notebook@", "depends_on": ["aa"]}}}""", ("notebook", notebook)));
        var unknownNotebook = await RefusedAsync(Fill("""{"steps": {"a": {"notebook": "@notebook@"}, "b": {"notebook": "no-such-notebook", "depends_on": ["a"]}}}""", ("notebook", notebook)));
        var notDependedOn = await RefusedAsync(Fill("""{"steps": {"a": {"notebook": "@notebook@"}, "b": {"notebook": "@notebook@", "input": {"step": "a"}}}}""", ("notebook", notebook)));
        var misspelled = await RefusedAsync(Fill("""{"steps": {"a": {"notebook": "@notebook@", "depends_onn": []}}}""", ("notebook", notebook)));

        Assert.Contains("a -> b -> c -> a", cycle.Message, StringComparison.Ordinal);
        Assert.StartsWith("steps.", cycle.Field, StringComparison.Ordinal);
        Assert.Equal(("steps.b.depends_on", RunRefusalKind.Invalid), (unknownStep.Field, unknownStep.Kind));
        Assert.Contains("did you mean 'a'", unknownStep.Message, StringComparison.Ordinal);
        Assert.Equal(("steps.b.notebook", RunRefusalKind.NotFound), (unknownNotebook.Field, unknownNotebook.Kind));
        Assert.Contains("step 'b'", unknownNotebook.Message, StringComparison.Ordinal);
        Assert.Equal("steps.b.input.step", notDependedOn.Field);
        Assert.Equal("steps.a.depends_onn", misspelled.Field);
        Assert.Contains("did you mean 'depends_on'", misspelled.Message, StringComparison.Ordinal);
        Assert.Empty(await NotebookStore.Pipelines(RunHarness.Blobs).ListVersionsAsync(pipeline));
    }

    [Fact]
    public async Task A_parameter_that_no_longer_fits_step_three_is_refused_before_step_one_starts()
    {
        var notebook = await PublishStepNotebookAsync();
        var third = $"third-{Guid.NewGuid():N}"[..16];
        var store = new NotebookStore(RunHarness.Blobs);
        await store.PublishAsync(third, Encoding.UTF8.GetBytes(TestNotebooks.Text(StepParameters, StepCells)));
        await using var harness = await RunHarness.StartAsync();
        var service = new RunService(RunHarness.Blobs, harness.Client);
        var pipeline = $"late-{Guid.NewGuid():N}"[..20];
        var definition = JsonNode.Parse(Fill("""
            {"parameters": {"pause": 0.5},
             "steps": {"one": {"notebook": "@notebook@", "parameters": {"name": "one"}},
                       "two": {"notebook": "@notebook@", "depends_on": ["one"], "parameters": {"name": "two"}},
                       "three": {"notebook": "@third@", "depends_on": ["two"], "parameters": {"name": "three", "seconds": "${pause}"}}}}
            """, ("notebook", notebook), ("third", third)));
        await service.PublishPipelineAsync(pipeline, definition, null, CancellationToken.None);
        // Step three runs its notebook's latest version, which now declares 'seconds' an int.
        await store.PublishAsync(third, Encoding.UTF8.GetBytes(TestNotebooks.Text(StepParameters.Replace("seconds: float = 0", "seconds: int = 0", StringComparison.Ordinal), StepCells)));

        var refused = await Assert.ThrowsAsync<RunRefusalException>(() => service.StartPipelineAsync(new PipelineSubmission { Pipeline = pipeline }, RunIdChoice.Exactly($"{pipeline}-x"), CancellationToken.None));

        Assert.Equal("steps.three.parameters.seconds", refused.Field);
        Assert.Contains("step 'three'", refused.Message, StringComparison.Ordinal);
        Assert.Null(await harness.Client.GetInstanceAsync($"{pipeline}-x"));
        Assert.Null(await harness.Client.GetInstanceAsync(PipelineOrchestrator.StepInstanceId($"{pipeline}-x", "one")));
        Assert.Empty(await new RunStore(RunHarness.Blobs).ListAsync($"{pipeline}-x/"));
        var wrongValue = await Assert.ThrowsAsync<RunRefusalException>(() => service.StartPipelineAsync(new PipelineSubmission { Pipeline = pipeline, Parameters = new JsonObject { ["pause"] = "slow" } }, RunIdChoice.Fresh, CancellationToken.None));
        Assert.Equal("parameters.pause", wrongValue.Field);
        var unknown = await Assert.ThrowsAsync<RunRefusalException>(() => service.StartPipelineAsync(new PipelineSubmission { Pipeline = pipeline, Parameters = new JsonObject { ["paus"] = 1.0 } }, RunIdChoice.Fresh, CancellationToken.None));
        Assert.Contains("did you mean 'pause'", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_secret_value_reaches_any_step_s_history_or_record()
    {
        const string secretName = "NBF_PIPELINE_TEST_SECRET";
        var value = $"s3cr3t-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(secretName, value);
        var leaky = $"leaky-{Guid.NewGuid():N}"[..16];
        var store = new NotebookStore(RunHarness.Blobs);
        await store.PublishAsync(leaky, Encoding.UTF8.GetBytes(TestNotebooks.Text(
            "input_path = 'in'\noutput_dir = 'out'",
            $"import os\nprint(os.environ['{secretName}'])\nopen(os.path.join(output_dir, 'leak.txt'), 'w').write(os.environ['{secretName}'])",
            $"raise RuntimeError('leaked ' + os.environ['{secretName}'])")));
        await using var harness = await RunHarness.StartAsync();
        var service = new RunService(RunHarness.Blobs, harness.Client);
        var pipeline = $"secret-{Guid.NewGuid():N}"[..20];
        await service.PublishPipelineAsync(pipeline, JsonNode.Parse(Fill("""
            {"steps": {"first": {"notebook": "@leaky@", "secrets": ["@secretName@"], "max_attempts": 1},
                       "second": {"notebook": "@leaky@", "secrets": ["@secretName@"], "depends_on": ["first"], "run_if": "all_done", "max_attempts": 1}}}
            """, ("leaky", leaky), ("secretName", secretName))), null, CancellationToken.None);

        var (started, state) = await RunAsync(harness, service, pipeline);

        Assert.Equal(RunStatus.Failed, state.ReadOutputAs<PipelineResult>()!.Status);
        var everything = new StringBuilder(state.SerializedInput).Append(state.SerializedOutput).Append(state.SerializedCustomStatus);
        foreach (var step in new[] { "first", "second" })
        {
            var instance = await harness.Client.GetInstanceAsync(PipelineOrchestrator.StepInstanceId(started.Id, step), getInputsAndOutputs: true);
            Assert.NotNull(instance);
            everything.Append(instance.SerializedInput).Append(instance.SerializedOutput).Append(instance.SerializedCustomStatus);
        }

        foreach (var blob in await new RunStore(RunHarness.Blobs).ListAsync($"{started.Id}/"))
            everything.Append(await RunHarness.ReadRunBlobAsync(blob));
        var text = everything.ToString();
        Assert.Contains(secretName, text, StringComparison.Ordinal);
        Assert.Contains("leaked ***", text, StringComparison.Ordinal);
        Assert.DoesNotContain(value, text, StringComparison.Ordinal);
    }
}
