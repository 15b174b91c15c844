namespace NotebookFunctions.Core.Kernels;

/// <summary>
/// A kernel forked by a <see cref="KernelForkServer"/>: not this process's child, so its exit and stderr arrive as
/// events from the server, and signals go to its process id (its own session, so a kill takes what it started too).
/// </summary>
internal sealed class ForkedKernelProcess(int id) : IKernelProcess
{
    private readonly TaskCompletionSource<int?> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TailBuffer _stderr = new();

    public int Id { get; } = id;

    public Task<int?> Exited => _exited.Task;

    public string StderrTail => _stderr.ToString();

    public Task StderrClosed => _stderrClosed.Task;

    public event Action<string>? StderrLine;

    internal void OnStderr(string line)
    {
        _stderr.Add(line);
        StderrLine?.Invoke(line);
    }

    internal void OnStderrClosed() => _stderrClosed.TrySetResult();

    internal void OnExited(int? code) => _exited.TrySetResult(code);

    /// <summary>Forked kernels start in milliseconds, so a pool has no costly warm-up to push into the background.</summary>
    public bool SetBackgroundPriority(bool background) => !background;

    public void Interrupt()
    {
        if (!_exited.Task.IsCompleted) ProcessSignals.Send(Id, ProcessSignals.Interrupt);
    }

    public void Kill()
    {
        // The child called setsid(): its process group id is its pid.
        if (!_exited.Task.IsCompleted) ProcessSignals.Send(-Id, ProcessSignals.Kill);
    }

    public void Dispose() => Kill();
}
