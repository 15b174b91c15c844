using System.Globalization;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// The name of the worker process this code runs in, as the manifest records it for each chunk ("which worker ran
/// chunk 7"). NBF_WORKER_ID when set; else the host's choice (the local host names itself as its durable worker id);
/// else machine and process id, which tell apart every Function App instance and every process on one machine.
/// </summary>
public static class WorkerName
{
    public const string Setting = "NBF_WORKER_ID";

    private static string? _chosen;

    public static string Current =>
        Environment.GetEnvironmentVariable(Setting) is { Length: > 0 } configured ? configured
        : _chosen ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}");

    /// <summary>Names this process (the local host does, once, with the id it joins its task hub under).</summary>
    public static void Use(string name) => _chosen = name;
}
