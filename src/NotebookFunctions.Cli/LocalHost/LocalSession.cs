namespace NotebookFunctions.Cli.LocalHost;

/// <summary>Storage (Azurite when nothing else is configured) plus the local durable host, disposed in the right order.</summary>
public sealed class LocalSession : IAsyncDisposable
{
    private LocalSession(LocalStorage storage, LocalDurableHost host)
    {
        Storage = storage;
        Host = host;
    }

    public LocalStorage Storage { get; }

    public LocalDurableHost Host { get; }

    public static async Task<LocalSession> StartAsync(bool runWorker, int parallelism, CancellationToken cancellationToken)
    {
        var storage = await LocalStorage.EnsureAsync(text => Console.Error.WriteLine($"nbf: {text}"), cancellationToken);
        try
        {
            var host = await LocalDurableHost.StartAsync(
                new LocalHostOptions
                {
                    StorageConnection = storage.Connection,
                    Parallelism = Math.Max(1, parallelism),
                    RunWorker = runWorker,
                    // Separate task hubs keep separate sets of runs (and let tests run side by side).
                    TaskHub = Environment.GetEnvironmentVariable("NBF_TASK_HUB") is { Length: > 0 } hub ? hub : "nbflocal",
                }, cancellationToken);
            return new LocalSession(storage, host);
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
