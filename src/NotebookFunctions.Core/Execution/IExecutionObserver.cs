namespace NotebookFunctions.Core.Execution;

/// <summary>Follows an execution as it happens: for progress displays, logs and telemetry.</summary>
public interface IExecutionObserver
{
    /// <summary>The kernel is up; <paramref name="codeCells"/> cells will run.</summary>
    void KernelReady(string kernelName, int codeCells) { }

    void CellStarted(int cellIndex, int ordinal, int codeCells, string source) { }

    void CellFinished(int cellIndex, CellStatus status, TimeSpan duration) { }

    /// <summary>Stream text a cell printed, as it arrives (papermill's --log-output).</summary>
    void StreamOutput(int cellIndex, string streamName, string text) { }
}

/// <summary>How a cell ended.</summary>
public enum CellStatus
{
    Succeeded,
    Failed,
    FailedAllowed,
    TimedOut,
    KernelDied,
    Skipped,
    Cancelled,
}
