using System.Globalization;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>The host's default kernel memory limit: NBF_KERNEL_MEMORY_LIMIT_MB, for runs whose request and notebook name none.</summary>
public static class MemoryLimitDefaults
{
    public const string Setting = "NBF_KERNEL_MEMORY_LIMIT_MB";

    /// <summary>The default in MB; null when the host sets none (kernels are then unlimited).</summary>
    /// <exception cref="InvalidOperationException">The setting is there but not a whole number of MB in range: a host misconfigured says so, it does not run unlimited.</exception>
    public static int? HostDefaultMB()
    {
        var text = Environment.GetEnvironmentVariable(Setting);
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var mb) && NotebookMemoryLimit.RangeProblem(mb) is null) return mb;
        throw new InvalidOperationException($"host setting {Setting} is '{text}'; it must be a whole number of MB from {NotebookMemoryLimit.MinMB} to {NotebookMemoryLimit.MaxMB}, or unset for no default limit");
    }
}
