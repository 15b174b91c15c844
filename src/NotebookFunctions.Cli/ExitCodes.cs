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

    /// <summary>Interrupted by the user (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
