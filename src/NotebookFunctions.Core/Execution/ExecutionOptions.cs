namespace NotebookFunctions.Core.Execution;

/// <summary>How to execute one notebook.</summary>
public sealed record ExecutionOptions
{
    /// <summary>Name used in errors and metadata (a path or a published name).</summary>
    public string NotebookName { get; init; } = "notebook";

    /// <summary>Kernelspec to run on; the notebook's metadata.kernelspec.name, then python3, when null.</summary>
    public string? KernelName { get; init; }

    /// <summary>The kernel's working directory (nbclient and papermill use the notebook's folder).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Longest any one cell may run; the kernel is interrupted, then killed after <see cref="InterruptGrace"/>.</summary>
    public TimeSpan? CellTimeout { get; init; }

    /// <summary>Longest the whole notebook may run, kernel start included.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long an interrupted cell gets to stop before its kernel is killed.</summary>
    public TimeSpan InterruptGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Go on after a failing cell, recording its error (nbclient's allow_errors).</summary>
    public bool AllowErrors { get; init; }

    /// <summary>Output bytes one cell may keep; the rest is dropped with a visible note.</summary>
    public long MaxCellOutputBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>Output bytes the whole notebook may keep.</summary>
    public long MaxNotebookOutputBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Extra environment variables for the kernel process.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The kernel's memory limit (it and what it starts), enforced by the host's mechanism; none when null. A cell that
    /// runs into it fails the run as <see cref="FailureKind.OutOfMemory"/>, naming the cell and its peak.
    /// </summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>
    /// Follow the kernel's memory: each cell's peak (in its metadata), the run's peak and baseline. Always on under a
    /// memory limit (its failures name the peak); off only to measure what following costs.
    /// </summary>
    public bool RecordMemory { get; init; } = true;

    /// <summary>After the cells, record the kernel's language version and installed packages in the result.</summary>
    public bool CaptureEnvironment { get; init; }

    /// <summary>Masks secret values in what the executor reports (span attributes, exception events).</summary>
    public Secrets.SecretRedactor Redactor { get; init; } = Secrets.SecretRedactor.None;

    /// <summary>Notified as cells start and finish, and of stream text as it arrives.</summary>
    public IExecutionObserver? Observer { get; init; }
}
