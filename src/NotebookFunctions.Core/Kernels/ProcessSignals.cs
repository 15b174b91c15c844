using System.Runtime.InteropServices;

namespace NotebookFunctions.Core.Kernels;

/// <summary>POSIX signals to other processes (.NET only offers kill): SIGINT for interrupts, SIGTERM for a clean stop.</summary>
public static partial class ProcessSignals
{
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Terminate = 15;

    /// <summary>Sends the signal (to a process group when pid is negative); false when the process is gone or this is not a POSIX system.</summary>
    public static bool Send(int pid, int signal) => !OperatingSystem.IsWindows() && SendSignal(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
