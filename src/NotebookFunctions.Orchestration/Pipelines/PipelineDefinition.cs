using System.Text.Json.Nodes;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Pipelines;

/// <summary>
/// A pipeline as written (*.pipeline.yaml, or JSON through the API), read strictly by <see cref="PipelineReader"/>:
/// typed parameters with defaults, and named steps that run notebooks, ordered by depends_on.
/// </summary>
public sealed record PipelineDefinition
{
    public string? Description { get; init; }

    public IReadOnlyList<PipelineParameter> Parameters { get; init; } = [];

    /// <summary>In the order written; the graph, not this order, decides when each runs.</summary>
    public required IReadOnlyList<PipelineStep> Steps { get; init; }

    public PipelineStep? Step(string name) => Steps.FirstOrDefault(s => s.Name == name);
}

/// <summary>A pipeline-level parameter: steps refer to it as "${name}".</summary>
/// <param name="Name">A Python identifier.</param>
/// <param name="Type">int, float, bool, str, list, dict, date or datetime.</param>
/// <param name="Default">The value when a run gives none.</param>
/// <param name="Required">Declared without a default: a run must give it.</param>
/// <param name="Description">Help for the people who run the pipeline.</param>
public sealed record PipelineParameter(string Name, string Type, JsonNode? Default, bool Required, string? Description);

/// <summary>When a step runs, given how the steps it depends on ended.</summary>
public enum RunIf
{
    /// <summary>Only when every step it depends on succeeded (the default): a failure stops its dependants.</summary>
    AllSucceeded,

    /// <summary>When every step it depends on has ended, however: for clean-up and reports of partial results.</summary>
    AllDone,
}

/// <summary>How a step runs its notebook.</summary>
public enum StepMode
{
    /// <summary>Once, on one kernel; input_path is a folder of the whole input (the default).</summary>
    Single,

    /// <summary>Over chunks of the input, per its chunking policy, with an optional reduce.</summary>
    FanOut,
}

/// <summary>One step: a published notebook, its parameters (literals or "${pipeline_parameter}"), its input, and policies.</summary>
public sealed record PipelineStep
{
    public required string Name { get; init; }

    public required string Notebook { get; init; }

    /// <summary>A pinned published version; the latest when the pipeline run starts, when null.</summary>
    public string? Version { get; init; }

    public JsonObject Parameters { get; init; } = new();

    /// <summary>Blobs, or another step's results; none when null (input_path is then an empty folder).</summary>
    public StepInput? Input { get; init; }

    public StepMode Mode { get; init; } = StepMode.Single;

    public ReduceSubmission? Reduce { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public RunIf RunIf { get; init; } = RunIf.AllSucceeded;

    /// <summary>Tries per kernel run (chunk or single run), 1 = no retry.</summary>
    public int? MaxAttempts { get; init; }

    public double? CellTimeoutSeconds { get; init; }

    /// <summary>Longest one kernel run of the step may take.</summary>
    public double? TimeoutSeconds { get; init; }

    public int? MaxParallelChunks { get; init; }

    public string? OnChunkFailure { get; init; }

    public IReadOnlyList<string> Secrets { get; init; } = [];
}

/// <summary>A step's input: blobs in storage (<see cref="Blobs"/>), or the results of the steps named by <see cref="Steps"/>.</summary>
public sealed record StepInput
{
    /// <summary>
    /// The steps whose final results (a reduce's files, else the merged results) this step reads: one step's are its
    /// input; several steps' (a single-run step joining them) are each in a folder named after the step.
    /// </summary>
    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>Container, prefix, glob and chunking: for another step's results, only glob and chunking apply.</summary>
    public required InputSubmission Blobs { get; init; }
}
