using System.Text.Json.Nodes;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Cli.Runs;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Orchestration.Pipelines;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.Commands;

/// <summary>What <c>nbf run x.pipeline.yaml</c> was asked to do.</summary>
internal sealed record PipelineRunOptions
{
    public required string Path { get; init; }

    public string? ParametersFile { get; init; }

    public IReadOnlyList<string> ParameterPairs { get; init; } = [];

    public int Parallel { get; init; } = 2;

    public string? RunId { get; init; }

    public string? IdempotencyKey { get; init; }

    public bool Publish { get; init; }

    public bool Detach { get; init; }

    /// <summary>--notify values: told when the pipeline run ends.</summary>
    public IReadOnlyList<string> Notify { get; init; } = [];
}

/// <summary>
/// <c>nbf run x.pipeline.yaml [-p name=value]</c>: publishes the notebook files the pipeline names and the pipeline
/// itself (each checked whole where it is stored), then runs it as one durable run on the local host, or with --api on a
/// backend, showing each step's state until the graph has ended.
/// </summary>
internal static class PipelineRun
{
    public static async Task<int> RunAsync(PipelineRunOptions options, ApiConnection connection, System.CommandLine.ParseResult parse, CancellationToken cancellationToken)
    {
        void Say(string text) => Console.Error.WriteLine($"nbf: {text}");
        var remote = connection.BaseUrl(parse) is not null;
        if (remote && !options.Publish)
            throw RunRefusalException.Invalid($"with --api, a pipeline file is published before it runs: add --publish to publish {options.Path} (and the notebook files it names)", "pipeline");
        var definition = PipelineFile.Read(options.Path);
        // Shape and graph are checked before a host starts or anything is published: a broken file costs nothing.
        var pipeline = PipelineReader.Read(definition.DeepClone());
        PipelineGraph.Check(pipeline);
        var values = Values(pipeline, options);
        // The notify list's shape too, before anything is published (its targets are checked where the run starts).
        NotebookFunctions.Orchestration.Notifications.NotificationRules.Shape(NotifyOption.Parse(options.Notify), NotebookFunctions.Orchestration.Notifications.NotificationTargetPolicy.FromEnvironment());

        await using var backend = await RunBackends.OpenAsync(connection, parse, runWorker: !options.Detach, options.Parallel, cancellationToken);
        await PipelineFile.PublishNotebookFilesAsync(definition, options.Path, async file =>
        {
            var (name, version, _) = await FanOutRun.PublishAsync(backend, file, Say, cancellationToken);
            return (name, version);
        });
        var pipelineName = PipelineFile.NameFromPath(options.Path);
        var source = remote ? null : (await GitProvenance.FindAsync(options.Path, cancellationToken))?.Source;
        var (pipelineVersion, created) = await backend.PublishPipelineAsync(pipelineName, definition, source, cancellationToken);
        Say($"pipeline {pipelineName} version {pipelineVersion[..12]}{(created ? " published" : " (already published)")}");

        var idChoice = options.RunId is not null ? RunIdChoice.Exactly(options.RunId)
            : options.IdempotencyKey is not null ? RunIdChoice.FromKey(options.IdempotencyKey)
            : RunIdChoice.Fresh;
        var started = await backend.StartPipelineAsync(new PipelineSubmission { Pipeline = pipelineName, Version = pipelineVersion, Parameters = values, Notify = NotifyOption.Parse(options.Notify) }, idChoice, cancellationToken);
        Say(started.Started ? $"pipeline run {started.Id} started on {backend.Where}" : $"pipeline run {started.Id} already exists; following it");
        Console.Out.WriteLine(started.Id);
        if (options.Detach) return ExitCodes.Success;
        try
        {
            return await FollowAsync(backend, started.Id, Say, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Say($"stopped following; pipeline run {started.Id} stays in flight: `nbf status {started.Id}` shows it{(remote ? string.Empty : ", `nbf resume` continues it here")}");
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>-f then -p values, typed by the pipeline's declared parameter types.</summary>
    private static JsonObject Values(PipelineDefinition pipeline, PipelineRunOptions options)
    {
        var values = options.ParametersFile is null ? new JsonObject() : ParameterFile.Read(options.ParametersFile);
        foreach (var pair in options.ParameterPairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw RunRefusalException.Invalid($"-p {pair}: expected name=value", "parameters");
            var name = pair[..eq].Trim();
            var declared = pipeline.Parameters.FirstOrDefault(p => p.Name == name);
            values[name] = ParameterValueParser.Parse(pair[(eq + 1)..], declared is null ? null : PipelineReader.AsNotebookParameter(declared));
        }

        return values;
    }

    /// <summary>One line per step whose state changed, until the pipeline run has ended; then its outcome.</summary>
    private static async Task<int> FollowAsync(IRunBackend backend, string runId, Action<string> say, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var view = await backend.GetAsync(runId, cancellationToken);
            foreach (var step in view.Steps ?? [])
            {
                if (seen.TryGetValue(step.Name, out var status) && status == step.Status) continue;
                seen[step.Name] = step.Status;
                if (step.Status != "Pending") say($"step {step.Name}: {step.Status}{(step.Error is null ? string.Empty : $": {step.Error}")}");
            }

            if (view.HasEnded) return RunReport.Outcome(view, say);
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
