namespace NotebookFunctions.Core.Kernels;

/// <summary>A kernel could not be found or started; the message carries the kernel's own stderr when it has any.</summary>
public sealed class KernelStartException : Exception
{
    public KernelStartException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The kernel process exited while work was pending.</summary>
public sealed class KernelDiedException : Exception
{
    public KernelDiedException(int? exitCode, string stderrTail)
        : base(FormatMessage(exitCode, stderrTail))
    {
        ExitCode = exitCode;
        StderrTail = stderrTail;
    }

    public int? ExitCode { get; }

    /// <summary>The last lines the kernel wrote to stderr, for the error report.</summary>
    public string StderrTail { get; }

    private static string FormatMessage(int? exitCode, string stderrTail)
    {
        var code = exitCode is null ? "was killed" : $"exited with code {exitCode}";
        return string.IsNullOrWhiteSpace(stderrTail) ? $"the kernel {code}" : $"the kernel {code}; its stderr ended with:\n{stderrTail.TrimEnd()}";
    }
}
