using System.Diagnostics;

namespace NotebookFunctions.Core.Kernels;

/// <summary>A kernel process started from the kernelspec's argv: its output drained, its exit reported at once.</summary>
internal sealed class SpawnedKernelProcess : IKernelProcess
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int?> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TailBuffer _stderr = new();
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SpawnedKernelProcess(Process process) => _process = process;

    public int Id { get; private set; }

    public Task<int?> Exited => _exited.Task;

    public string StderrTail => _stderr.ToString();

    public Task StderrClosed => _stderrClosed.Task;

    public event Action<string>? StderrLine;

    public static SpawnedKernelProcess Start(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo(argv[0])
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in argv.Skip(1)) info.ArgumentList.Add(arg);
        foreach (var (key, value) in env) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var kernel = new SpawnedKernelProcess(process);
        // Drain both pipes continuously: a kernel blocks once a 64 KiB pipe buffer fills.
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                kernel._stderrClosed.TrySetResult();
                return;
            }

            kernel._stderr.Add(e.Data);
            kernel.StderrLine?.Invoke(e.Data);
        };
        process.OutputDataReceived += (_, _) =>
        {
            // Drained and dropped: ipykernel sends what cells print over iopub; only stderr explains a death.
        };
        process.Exited += (_, _) => kernel._exited.TrySetResult(SafeExitCode(process));
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new KernelStartException($"cannot start the kernel '{argv[0]}': {e.Message}", e);
        }

        kernel.Id = process.Id;
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return kernel;
    }

    /// <summary>
    /// Lowers the process's CPU priority (nice 10) or restores it. Restoring needs CAP_SYS_NICE (root has it);
    /// without it the kernel keeps the lower priority, which only matters when the machine is saturated.
    /// </summary>
    public bool SetBackgroundPriority(bool background)
    {
        try
        {
            if (!_exited.Task.IsCompleted) _process.PriorityClass = background ? ProcessPriorityClass.BelowNormal : ProcessPriorityClass.Normal;
            return true;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }

    public void Interrupt()
    {
        if (!_exited.Task.IsCompleted) ProcessSignals.Send(_process.Id, ProcessSignals.Interrupt);
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static int? SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
