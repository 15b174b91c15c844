using System.Globalization;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// Which memory limit a notebook's kernels get: the one asked for (a run request's memoryLimitMB, nbf's --memory-limit),
/// else the notebook's metadata, else the host's default NBF_KERNEL_MEMORY_LIMIT_MB; none when nobody says.
/// </summary>
public static class MemoryLimitDefaults
{
    public const string Setting = "NBF_KERNEL_MEMORY_LIMIT_MB";

    /// <summary>The limit in MB and where it came from ("asked", "notebook", "host"); null MB for none.</summary>
    /// <exception cref="NotebookFormatException">The notebook's metadata holds a limit that is not a whole number of MB in range.</exception>
    /// <exception cref="InvalidOperationException">The host setting is malformed.</exception>
    public static (int? MB, string From) Resolve(int? asked, Notebook notebook, string label) =>
        asked is { } a ? (a, "asked")
        : NotebookMemoryLimit.Of(notebook, label) is { } own ? (own, "notebook")
        : (HostDefaultMB(), "host");

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
