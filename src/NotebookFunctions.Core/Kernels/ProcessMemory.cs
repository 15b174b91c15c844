using System.Globalization;

namespace NotebookFunctions.Core.Kernels;

/// <summary>A process's memory as Linux reports it in /proc; null where there is no /proc or the process is gone.</summary>
public static class ProcessMemory
{
    /// <summary>
    /// The highest resident set size the process has reached (VmHWM). A kernel forked from the fork server counts the
    /// pages it shares with it (the preloaded imports) as its own, which is what it would cost started alone.
    /// </summary>
    public static long? PeakResidentBytes(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var kilobytes = line["VmHWM:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux, or the process has already exited.
        }

        return null;
    }
}
