namespace NotebookFunctions.Core.Kernels;

/// <summary>A process's memory as Linux reports it in /proc; null where there is no /proc or the process is gone.</summary>
public static class ProcessMemory
{
    /// <summary>
    /// The highest resident set size the process has reached (VmHWM). A kernel forked from the fork server counts the
    /// pages it shares with it (the preloaded imports) as its own, which is what it would cost started alone.
    /// </summary>
    public static long? PeakResidentBytes(int processId) => StatusKilobytes(processId, "VmHWM:");

    /// <summary>The resident set size now (VmRSS).</summary>
    public static long? ResidentBytes(int processId) => StatusKilobytes(processId, "VmRSS:");

    /// <summary>
    /// Starts the peak (VmHWM) afresh from the current resident size (writing 5 to /proc/PID/clear_refs), so the next
    /// reading is the peak of what ran since: one cell's. False where it cannot (not Linux, gone, not ours).
    /// </summary>
    public static bool ResetPeak(int processId)
    {
        try
        {
            File.WriteAllText($"/proc/{processId}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long? StatusKilobytes(int processId, string field) => ProcKilobytes.Read($"/proc/{processId}/status", field);
}
