namespace NotebookFunctions.Api;

/// <summary>Limits and defaults of the API (configuration section "NotebookFunctions:Api").</summary>
public sealed record ApiOptions
{
    /// <summary>Largest notebook a publish accepts (413 above it).</summary>
    public long MaxNotebookBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Largest pipeline definition a publish accepts (413 above it): a graph of steps and their parameters, never data.</summary>
    public long MaxPipelineBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Largest file the web app may upload as a run's input (413 above it): bigger inputs belong in blob storage.
    /// 100 MB, the Functions host's own limit on a request body, so both hosts refuse alike.
    /// </summary>
    public long MaxUploadBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>
    /// The task hub this host's runs live in, named in every run's claim so that a host on another task hub sharing the
    /// storage never starts the same run id over the same records (see RunClaims). Null: claims name no hub.
    /// </summary>
    public string? TaskHub { get; init; }

    /// <summary>Most runs a list returns per page.</summary>
    public int MaxPageSize { get; init; } = 100;
}
