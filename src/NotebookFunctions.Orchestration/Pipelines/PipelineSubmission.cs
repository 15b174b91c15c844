using System.Text.Json.Nodes;

namespace NotebookFunctions.Orchestration.Pipelines;

/// <summary>What a caller asks to run of a published pipeline, before it is checked.</summary>
public sealed record PipelineSubmission
{
    public string? Pipeline { get; init; }

    /// <summary>A published version (sha256); the latest when omitted.</summary>
    public string? Version { get; init; }

    /// <summary>Values of the pipeline's parameters; their defaults fill in the rest.</summary>
    public JsonObject? Parameters { get; init; }

    /// <summary>Who is told when the pipeline run ends (its own terminal state, not each step's); names secrets, never values.</summary>
    public List<Notifications.NotificationSubmission?>? Notify { get; init; }
}
