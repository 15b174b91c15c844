namespace NotebookFunctions.Cli.Tests;

/// <summary>Finds the ipykernel processes a given host started (they carry JPY_PARENT_PID={host pid}).</summary>
internal static class KernelProcesses
{
    public static List<int> StartedBy(int hostPid)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (!cmdline.Contains("ipykernel", StringComparison.Ordinal)) continue;
                var environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (environ.Split('\0').Contains($"JPY_PARENT_PID={hostPid}")) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }

    /// <summary>Waits until none of the host's kernels is left, or the time is up; returns those still alive.</summary>
    public static async Task<List<int>> WaitUntilGoneAsync(int hostPid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var alive = StartedBy(hostPid);
            if (alive.Count == 0 || DateTime.UtcNow > deadline) return alive;
            await Task.Delay(200);
        }
    }
}
