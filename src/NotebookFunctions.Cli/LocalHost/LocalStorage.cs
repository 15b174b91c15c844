namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// The storage the local host uses: NBF_STORAGE when set (a connection string or an account URL), else Azurite on
/// 127.0.0.1, started as a background service when none is listening (<see cref="AzuriteService"/>) and never
/// stopped by the command that started it.
/// </summary>
public sealed class LocalStorage
{
    private LocalStorage(string connection) => Connection = connection;

    public string Connection { get; }

    public static async Task<LocalStorage> EnsureAsync(Action<string> say, CancellationToken cancellationToken = default)
    {
        var configured = Environment.GetEnvironmentVariable("NBF_STORAGE");
        if (!string.IsNullOrWhiteSpace(configured)) return new LocalStorage(configured);
        await AzuriteService.StartAsync(say, cancellationToken);
        return new LocalStorage(AzuriteService.ConnectionString);
    }
}
