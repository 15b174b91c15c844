using NotebookFunctions.Core.Notebooks;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Pipelines;

/// <summary>
/// Checks a pipeline whole and turns it into the runs its steps make: the graph holds, every step's notebook (and
/// reduce) is published, and every step's parameters, with pipeline parameters put in, fit its notebook's schema.
/// Each step is checked by the <see cref="RunValidator"/> that checks any run, so a step is refused exactly as the same
/// run started alone would be, and a bad step 3 is refused before step 1 starts.
/// </summary>
public sealed partial class PipelineValidator(BlobServiceClient blobs, ISecretSource? secrets)
{
    private readonly RunValidator _runs = new(blobs, secrets);

    [GeneratedRegex("[A-Z]")]
    private static partial Regex Capital();

    /// <summary>What publishing checks: the graph, and every step with the parameters' defaults (a value of its type for a required one).</summary>
    public async Task CheckAsync(PipelineDefinition pipeline, CancellationToken cancellationToken)
    {
        PipelineGraph.Check(pipeline);
        var values = new JsonObject(pipeline.Parameters.Select(p => KeyValuePair.Create(p.Name, p.Default?.DeepClone() ?? Placeholder(p.Type))));
        await ResolveStepsAsync(pipeline, values, "pipeline-check", checkInputBlobs: false, cancellationToken);
    }

    /// <summary>The pipeline run these values make, every step resolved and checked; nothing is stored or scheduled.</summary>
    public async Task<PipelineRequest> ResolveAsync(string name, string version, PipelineDefinition pipeline, JsonObject? values, string runId, CancellationToken cancellationToken)
    {
        PipelineGraph.Check(pipeline);
        var resolved = Values(pipeline, values ?? []);
        var steps = await ResolveStepsAsync(pipeline, resolved, runId, checkInputBlobs: true, cancellationToken);
        return new PipelineRequest { Pipeline = name, Version = version, Parameters = resolved, Steps = steps };
    }

    /// <summary>
    /// Checks what a pipeline run would be asked with (a schedule's), as starting it would, without starting anything:
    /// the pipeline and version exist, the values fit, every step resolves.
    /// </summary>
    public async Task CheckSubmissionAsync(PipelineSubmission submission, CancellationToken cancellationToken)
    {
        var name = submission.Pipeline ?? throw RunRefusalException.Invalid("'pipeline' is required: the name of a published pipeline", "pipeline");
        await CheckNotifyAsync(submission, cancellationToken);
        var (published, definition) = await PublishedPipelines.LoadAsync(blobs, name, submission.Version, cancellationToken);
        await ResolveAsync(name, published.Version, PipelineReader.Read(definition), submission.Parameters, "pipeline-check", cancellationToken);
    }

    /// <summary>A pipeline run's notify list, checked by the rule every run's is (shape, then targets and secrets).</summary>
    public async Task<IReadOnlyList<Notifications.Notification>> CheckNotifyAsync(PipelineSubmission submission, CancellationToken cancellationToken)
    {
        var policy = Notifications.NotificationTargetPolicy.FromEnvironment();
        var notify = Notifications.NotificationRules.Shape(submission.Notify, policy);
        await Notifications.NotificationRules.CheckTargetsAsync(notify, policy, secrets, cancellationToken);
        return notify;
    }

    /// <summary>The run's values: the given ones (each known and of its declared type), then the defaults; every required one given.</summary>
    private static JsonObject Values(PipelineDefinition pipeline, JsonObject given)
    {
        foreach (var (name, value) in given)
        {
            var declared = pipeline.Parameters.FirstOrDefault(p => p.Name == name);
            if (declared is null)
            {
                var hint = NearestName.To(name, pipeline.Parameters.Select(p => p.Name)) is { } near ? $"; did you mean '{near}'?"
                    : pipeline.Parameters.Count == 0 ? "; the pipeline declares no parameters" : $"; the pipeline declares {string.Join(", ", pipeline.Parameters.Select(p => p.Name))}";
                throw RunRefusalException.Invalid($"unknown pipeline parameter '{name}'{hint}", $"parameters.{name}");
            }

            if (ParameterTypes.Check(PipelineReader.AsNotebookParameter(declared), value) is { } mismatch)
                throw RunRefusalException.Invalid($"pipeline parameter '{name}': {mismatch}", $"parameters.{name}");
        }

        var values = new JsonObject();
        foreach (var parameter in pipeline.Parameters)
        {
            if (given.TryGetPropertyValue(parameter.Name, out var value)) values[parameter.Name] = value?.DeepClone();
            else if (parameter.Required) throw RunRefusalException.Invalid($"pipeline parameter '{parameter.Name}' ({parameter.Type}) is required: it has no default", $"parameters.{parameter.Name}");
            else values[parameter.Name] = parameter.Default?.DeepClone();
        }

        return values;
    }

    private async Task<List<StepRun>> ResolveStepsAsync(PipelineDefinition pipeline, JsonObject values, string runId, bool checkInputBlobs, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, RunRequest>(StringComparer.Ordinal);
        var ordered = Ordered(pipeline);
        foreach (var step in ordered)
        {
            var record = StorageLayout.StepRecord(runId, step.Name);
            var submission = Submission(step, values, record, resolved);
            RunRequest request;
            try
            {
                // A step reading another step's results, or nothing, has no blobs before it runs.
                request = await _runs.ValidateAsync(submission, cancellationToken, checkInputBlobs && step.Input is { Steps.Count: 0 });
            }
            catch (Exception e) when (RunRefusalException.From(e) is { } refusal)
            {
                throw InStep(refusal, step);
            }

            resolved[step.Name] = request with { Record = record, PipelineRunId = runId };
        }

        // In the order they can run: how status lists them.
        return ordered.Select(s => new StepRun { Name = s.Name, DependsOn = s.DependsOn, RunIf = s.RunIf, Request = resolved[s.Name], Record = resolved[s.Name].Record! }).ToList();
    }

    /// <summary>The run one step asks for, pipeline parameters put in and its input resolved to blobs.</summary>
    private static RunSubmission Submission(PipelineStep step, JsonObject values, string record, Dictionary<string, RunRequest> upstream) => new()
    {
        Notebook = step.Notebook,
        Version = step.Version,
        Parameters = Substitute(step.Parameters, values, $"steps.{step.Name}.parameters"),
        Input = Input(step, record, upstream, values),
        MaxParallelChunks = step.MaxParallelChunks,
        MaxAttempts = step.MaxAttempts,
        OnChunkFailure = step.OnChunkFailure,
        CellTimeoutSeconds = step.CellTimeoutSeconds,
        ChunkTimeoutSeconds = step.TimeoutSeconds,
        Secrets = [.. step.Secrets],
        Reduce = step.Reduce is null ? null : step.Reduce with { Parameters = Substitute(step.Reduce.Parameters ?? [], values, $"steps.{step.Name}.reduce.parameters") },
    };

    private static InputSubmission Input(PipelineStep step, string record, Dictionary<string, RunRequest> upstream, JsonObject values)
    {
        var field = $"steps.{step.Name}.input";
        var asked = step.Input?.Blobs ?? new InputSubmission();
        // Where blobs are may come from the run: "${input_blob}" is what a blob arrival hands a pipeline.
        asked = asked with
        {
            Container = SubstituteText(asked.Container, values, $"{field}.container"),
            Prefix = SubstituteText(asked.Prefix, values, $"{field}.prefix"),
            Glob = SubstituteText(asked.Glob, values, $"{field}.glob"),
        };
        var mode = step.Mode == StepMode.Single ? "whole" : asked.Mode;
        if (step.Input is null) return asked with { Container = StorageLayout.RunsContainer, Prefix = $"{record}/input/", Mode = mode, AllowEmpty = true };
        if (step.Input.Steps.Count == 0) return asked with { Mode = mode };
        var folders = step.Input.Steps.Select(source => new Core.Chunks.InputFolder(FinalResults(upstream[source]), source)).ToList();
        return step.Input.Steps.Count == 1
            ? asked with { Container = StorageLayout.RunsContainer, Prefix = folders[0].Prefix, Mode = mode, AllowEmpty = step.Mode == StepMode.Single, RunResults = true }
            : asked with { Container = StorageLayout.RunsContainer, Prefix = $"{record}/input/", Mode = mode, AllowEmpty = true, Folders = folders, RunResults = true };
    }

    /// <summary>Where a step's final results are: its reduce's files when it has a reduce, else its merged results.</summary>
    private static string FinalResults(RunRequest step) =>
        step.Reduce is null ? StorageLayout.ResultsPrefix(step.Record!) : StorageLayout.ReduceFilesPrefix(step.Record!);

    /// <summary>A text field as written, or the text value of the pipeline parameter "${name}" it refers to.</summary>
    private static string? SubstituteText(string? text, JsonObject values, string field)
    {
        if (text is null || !text.Contains("${", StringComparison.Ordinal)) return text;
        var parameters = Substitute(new JsonObject { ["value"] = text }, values, field[..field.LastIndexOf('.')]);
        return parameters["value"] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? value.GetValue<string>()
            : throw RunRefusalException.Invalid($"'{field}' refers to a pipeline parameter that is not text ({parameters["value"]?.ToJsonString() ?? "null"})", field);
    }

    /// <summary>Literal values as they are; "${name}" replaced by the pipeline parameter's value, keeping its type.</summary>
    private static JsonObject Substitute(JsonObject parameters, JsonObject values, string field)
    {
        var result = new JsonObject();
        foreach (var (name, value) in parameters)
        {
            if (PipelineReader.ReferenceIn(value) is { } reference)
            {
                if (!values.TryGetPropertyValue(reference, out var referenced))
                {
                    var hint = NearestName.To(reference, values.Select(v => v.Key)) is { } near ? $"; did you mean '${{{near}}}'?" : string.Empty;
                    throw RunRefusalException.Invalid($"'{field}.{name}' refers to '${{{reference}}}', which is not a parameter of the pipeline{hint}", $"{field}.{name}");
                }

                result[name] = referenced?.DeepClone();
            }
            else if (value is JsonValue text && text.GetValueKind() == System.Text.Json.JsonValueKind.String && text.GetValue<string>().Contains("${", StringComparison.Ordinal))
            {
                throw RunRefusalException.Invalid($"'{field}.{name}': a pipeline parameter is referred to as a whole value (\"${{name}}\"), not inside text", $"{field}.{name}");
            }
            else
            {
                result[name] = value?.DeepClone();
            }
        }

        return result;
    }

    /// <summary>The steps with every step after those it depends on (the graph is checked first, so there is no cycle).</summary>
    private static List<PipelineStep> Ordered(PipelineDefinition pipeline)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<PipelineStep>();
        while (order.Count < pipeline.Steps.Count)
        {
            foreach (var step in pipeline.Steps.Where(s => !done.Contains(s.Name) && s.DependsOn.All(done.Contains)).ToList())
            {
                order.Add(step);
                done.Add(step.Name);
            }
        }

        return order;
    }

    /// <summary>A step's refusal, said of the step and pointing at its field in the pipeline ("steps.clean.parameters.rate").</summary>
    private static RunRefusalException InStep(RunRefusalException refusal, PipelineStep step)
    {
        var field = refusal.Field switch
        {
            null => $"steps.{step.Name}",
            var f when f.StartsWith("steps.", StringComparison.Ordinal) => f,
            "chunkTimeoutSeconds" => $"steps.{step.Name}.timeout_seconds",
            var f when f.StartsWith("parameters.", StringComparison.Ordinal) || f.StartsWith("reduce.parameters.", StringComparison.Ordinal) => $"steps.{step.Name}.{f}",
            var f => $"steps.{step.Name}.{Capital().Replace(f, m => "_" + m.Value.ToLowerInvariant())}",
        };
        var detail = refusal.Message.StartsWith($"step '{step.Name}'", StringComparison.Ordinal) ? refusal.Message : $"step '{step.Name}' ({step.Notebook}): {refusal.Message}";
        var extensions = new Dictionary<string, object?>(refusal.Extensions) { ["step"] = step.Name };
        return new RunRefusalException(refusal.Kind, refusal.Title, detail, field, extensions);
    }

    private static JsonNode? Placeholder(string type) => type switch
    {
        "int" => 0,
        "float" => 0.5,
        "bool" => false,
        "str" => string.Empty,
        "list" => new JsonArray(),
        "dict" => new JsonObject(),
        "date" => "2000-01-01",
        "datetime" => "2000-01-01T00:00:00Z",
        _ => null,
    };
}
