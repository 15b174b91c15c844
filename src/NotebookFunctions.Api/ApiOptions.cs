namespace NotebookFunctions.Api;

/// <summary>Limits and defaults of the API (configuration section "NotebookFunctions:Api").</summary>
public sealed record ApiOptions
{
    /// <summary>Largest notebook a publish accepts (413 above it).</summary>
    public long MaxNotebookBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Largest pipeline definition a publish accepts (413 above it): a graph of steps and their parameters, never data.</summary>
    public long MaxPipelineBytes { get; init; } = 1024 * 1024;

    /// <summary>Most runs a list returns per page.</summary>
    public int MaxPageSize { get; init; } = 100;
}
