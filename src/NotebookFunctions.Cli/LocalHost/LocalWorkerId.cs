using System.Globalization;

namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// The id this process joins its task hub under. Ids must differ between processes: two with one id would both take
/// a partition as theirs. The first process on a machine (per task hub) takes the stable "nbf-{machine}", held by an
/// exclusive lock on a file that dies with it; so a host killed and started again takes its partitions back at once
/// instead of waiting for their leases to expire. Every other process on the machine is "nbf-{machine}-{pid}".
/// NBF_WORKER_ID names a worker outright (then its uniqueness is the caller's).
/// </summary>
internal sealed class LocalWorkerId : IDisposable
{
    private readonly FileStream? _lock;

    private LocalWorkerId(string id, FileStream? held)
    {
        Id = id;
        _lock = held;
    }

    public string Id { get; }

    /// <param name="taskHub">The hub joined: the stable id is per hub.</param>
    /// <param name="asking">A process that only asks and tells (status, cancel): never the stable id.</param>
    public static LocalWorkerId Choose(string taskHub, bool asking = false)
    {
        var machine = $"nbf-{Environment.MachineName}";
        if (asking) return new LocalWorkerId(string.Create(CultureInfo.InvariantCulture, $"{machine}-{Environment.ProcessId}"), null);
        if (Environment.GetEnvironmentVariable(Orchestration.Runs.WorkerName.Setting) is { Length: > 0 } configured) return new LocalWorkerId(configured, null);
        var folder = Path.Combine(AzuriteService.DataFolder, "..", "workers");
        try
        {
            Directory.CreateDirectory(folder);
            // FileShare.None is an exclusive advisory lock (flock) on Unix: released by the kernel when the holder dies, even by SIGKILL.
            var held = new FileStream(Path.Combine(folder, $"{taskHub.ToLowerInvariant()}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new LocalWorkerId(machine, held);
        }
        catch (IOException)
        {
            return new LocalWorkerId(string.Create(CultureInfo.InvariantCulture, $"{machine}-{Environment.ProcessId}"), null);
        }
        catch (UnauthorizedAccessException)
        {
            return new LocalWorkerId(string.Create(CultureInfo.InvariantCulture, $"{machine}-{Environment.ProcessId}"), null);
        }
    }

    public void Dispose() => _lock?.Dispose();
}
