namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// The ranges a run request's numbers must fall in. Checked before anything is stored, so a value that would only
/// fail (or overflow) when the run executes is refused with the field's name instead.
/// </summary>
public static class RunLimits
{
    public const int MaxParallelChunks = 1000;

    public const int MaxAttempts = 10;

    /// <summary>A week: longer than any cell or chunk should run, and far inside TimeSpan's range.</summary>
    public const double MaxTimeoutSeconds = 7 * 24 * 3600;

    public const int MaxChunks = 100_000;

    /// <summary>A chunk is downloaded to the kernel's disk whole.</summary>
    public const long MaxChunkBytes = 64L << 30;

    public const int MaxPrefixLength = 1024;

    public const int MaxSecrets = 50;

    public const int MinMemoryLimitMB = Core.Notebooks.NotebookMemoryLimit.MinMB;

    public const int MaxMemoryLimitMB = Core.Notebooks.NotebookMemoryLimit.MaxMB;

    /// <summary>Parameters travel in the run's durable history with every checkpoint; data belongs in the input.</summary>
    public const int MaxParameterBytes = 64 * 1024;
}
