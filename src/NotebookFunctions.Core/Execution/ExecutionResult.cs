using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Execution;

/// <summary>An executed notebook (always written, also on failure) and how the run went.</summary>
public sealed record ExecutionResult(
    Notebook Notebook,
    ExecutionFailure? Failure,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    IReadOnlyList<CellResult> Cells,
    JsonObject KernelInfo)
{
    public bool Succeeded => Failure is null;

    public TimeSpan Duration => EndTime - StartTime;

    /// <summary>Language version and installed packages, when asked for and the kernel could tell.</summary>
    public JsonObject? Environment { get; init; }

    /// <summary>The kernel's highest resident memory over the run; null where the host cannot tell (no /proc).</summary>
    public long? PeakMemoryBytes { get; init; }

    /// <summary>The kernel's resident memory before the first cell: what a chunk costs before its data.</summary>
    public long? BaselineMemoryBytes { get; init; }

    /// <summary>The memory limit the kernel ran under; null when it had none.</summary>
    public long? MemoryLimitBytes { get; init; }

    public void ThrowIfFailed()
    {
        if (Failure is not null) throw new NotebookExecutionException(Failure);
    }
}

/// <summary>One code cell's outcome.</summary>
public sealed record CellResult(int CellIndex, CellStatus Status, int? ExecutionCount, TimeSpan Duration, long OutputBytesDropped)
{
    /// <summary>The kernel's peak resident memory while this cell ran; null where the host cannot tell.</summary>
    public long? PeakMemoryBytes { get; init; }
}
