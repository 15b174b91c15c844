namespace NotebookFunctions.Cli;

/// <summary>What <c>nbf</c>'s exit code says.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The notebook ran and failed: a cell raised, timed out, or the kernel died.</summary>
    public const int NotebookFailed = 1;

    /// <summary>Bad input: unreadable notebook, parameters that do not fit, bad options.</summary>
    public const int InvalidInput = 2;

    /// <summary>The kernel could not be found or started.</summary>
    public const int KernelUnavailable = 3;

    /// <summary>A fan-out run finished with some chunks failed (the rest merged).</summary>
    public const int PartialFailure = 4;

    /// <summary>What the command names does not exist: a notebook, a version, a run.</summary>
    public const int NotFound = 5;

    /// <summary>The run is not in a state that allows it: already ended (cancel), not finished or input changed (repair).</summary>
    public const int Conflict = 6;

    /// <summary>The API could not be reached, refused the caller (401, 403), or failed (5xx).</summary>
    public const int Unavailable = 7;

    /// <summary>Interrupted by the user (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
