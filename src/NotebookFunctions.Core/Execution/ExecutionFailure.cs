namespace NotebookFunctions.Core.Execution;

/// <summary>Why a notebook run failed.</summary>
public enum FailureKind
{
    /// <summary>A cell raised.</summary>
    CellError,

    /// <summary>A cell ran past the cell timeout.</summary>
    CellTimeout,

    /// <summary>The whole notebook ran past its timeout.</summary>
    NotebookTimeout,

    /// <summary>The kernel process exited during a cell.</summary>
    KernelDied,

    /// <summary>The kernel could not be started.</summary>
    KernelStart,

    /// <summary>The caller cancelled the run.</summary>
    Cancelled,

    /// <summary>The kernel ran into its memory limit: a MemoryError past a process limit, or killed by its cgroup.</summary>
    OutOfMemory,
}

/// <summary>A failed run, naming the notebook, the cell (index, id, execution count) and the error.</summary>
public sealed record ExecutionFailure(
    FailureKind Kind,
    string Notebook,
    int? CellIndex,
    string? CellId,
    int? ExecutionCount,
    string EName,
    string EValue,
    IReadOnlyList<string> Traceback,
    string? CellSource)
{
    /// <summary>One line: where and what.</summary>
    public string Summary
    {
        get
        {
            var cell = InCell(CellIndex, CellId, ExecutionCount);
            var value = EValue.Contains('\n', StringComparison.Ordinal) ? EValue[..EValue.IndexOf('\n', StringComparison.Ordinal)] : EValue;
            // The limit's own words (peak of limit) say more than the exception's name.
            return Kind == FailureKind.OutOfMemory ? $"{Notebook}: {KindText}{cell}: {value}" : $"{Notebook}: {KindText}{cell}: {EName}: {value}";
        }
    }

    /// <summary>
    /// " in cell 3 (id 'c1'), In [4]", or empty when no cell is to blame: the one wording of a failing cell's place,
    /// shared by chunk errors so a run's status and its notebook's error read alike.
    /// </summary>
    public static string InCell(int? cellIndex, string? cellId, int? executionCount) => cellIndex is null ? string.Empty
        : $" in cell {cellIndex}{(cellId is null ? string.Empty : $" (id '{cellId}')")}{(executionCount is null ? string.Empty : $", In [{executionCount}]")}";

    private string KindText => Kind switch
    {
        FailureKind.CellError => "error",
        FailureKind.CellTimeout => "cell timed out",
        FailureKind.NotebookTimeout => "notebook timed out",
        FailureKind.KernelDied => "kernel died",
        FailureKind.KernelStart => "kernel did not start",
        FailureKind.Cancelled => "cancelled",
        FailureKind.OutOfMemory => "out of memory",
        _ => Kind.ToString(),
    };

    public override string ToString() => Summary;
}

/// <summary>Thrown by <see cref="ExecutionResult.ThrowIfFailed"/>: carries the failure record.</summary>
public sealed class NotebookExecutionException : Exception
{
    public NotebookExecutionException(ExecutionFailure failure) : base(failure.Summary) => Failure = failure;

    public ExecutionFailure Failure { get; }
}
