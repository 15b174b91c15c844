namespace NotebookFunctions.Core.Kernels;

/// <summary>The OS process behind a kernel, however it was started (spawned from argv, or forked by a fork server).</summary>
internal interface IKernelProcess : IDisposable
{
    /// <summary>The OS process id, kept after the process is gone.</summary>
    int Id { get; }

    /// <summary>Completes with the exit code the moment the process exits (null when it cannot be known).</summary>
    Task<int?> Exited { get; }

    /// <summary>The last lines the kernel wrote to stderr.</summary>
    string StderrTail { get; }

    /// <summary>Completes when the kernel's stderr reached its end: after the exit, its last lines say why it died.</summary>
    Task StderrClosed { get; }

    /// <summary>Raised for every stderr line (for --log-output and logs); called on a background thread.</summary>
    event Action<string>? StderrLine;

    /// <summary>Lowers the CPU priority (true) or restores it (false); false when that was not possible.</summary>
    bool SetBackgroundPriority(bool background);

    /// <summary>Sends SIGINT, the fallback when the kernel does not answer an interrupt_request.</summary>
    void Interrupt();

    /// <summary>Kills the kernel (and whatever it started) at once.</summary>
    void Kill();
}
