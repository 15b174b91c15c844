namespace NotebookFunctions.Cli.LocalHost;

/// <summary>Storage (Azurite when nothing else is configured) plus the local durable host on it.</summary>
public sealed class LocalSession : IAsyncDisposable
{
    private LocalSession(LocalStorage storage, LocalDurableHost host, FileRunJournal journal, string taskHub)
    {
        TaskHub = taskHub;
        Journal = journal;
        Storage = storage;
        Host = host;
    }

    public LocalStorage Storage { get; }

    /// <summary>The task hub this host joined (NBF_TASK_HUB, else nbflocal).</summary>
    public string TaskHub { get; }

    public LocalDurableHost Host { get; }

    /// <summary>Where runs accepted on this host are recorded before they are scheduled (Azurite may lose its last seconds).</summary>
    public FileRunJournal Journal { get; }

    public static async Task<LocalSession> StartAsync(bool runWorker, int parallelism, CancellationToken cancellationToken)
    {
        var storage = await LocalStorage.EnsureAsync(text => Console.Error.WriteLine($"nbf: {text}"), cancellationToken);
        var taskHub = Environment.GetEnvironmentVariable("NBF_TASK_HUB") is { Length: > 0 } hub ? hub : "nbflocal";
        var host = await LocalDurableHost.StartAsync(
            new LocalHostOptions
            {
                StorageConnection = storage.Connection,
                Parallelism = Math.Max(1, parallelism),
                RunWorker = runWorker,
                // Separate task hubs keep separate sets of runs (and let tests run side by side).
                TaskHub = taskHub,
            }, cancellationToken);
        return new LocalSession(storage, host, FileRunJournal.ForTaskHub(storage.Key, taskHub), taskHub);
    }

    public async ValueTask DisposeAsync()
    {
        // Storage stays: Azurite runs on as the local service it is (nbf storage stop ends it).
        await Host.DisposeAsync();
    }
}
