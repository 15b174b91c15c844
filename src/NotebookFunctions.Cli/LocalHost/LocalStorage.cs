namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// The storage the local host uses: NBF_STORAGE when set (a connection string or an account URL), else Azurite on
/// 127.0.0.1, started as a background service when none is listening (<see cref="AzuriteService"/>) and never
/// stopped by the command that started it.
/// </summary>
public sealed class LocalStorage
{
    private LocalStorage(string connection, string described)
    {
        Connection = connection;
        Described = described;
    }

    public string Connection { get; }

    /// <summary>Which storage, for people: "Azurite on 127.0.0.1", or the account NBF_STORAGE names (never its key).</summary>
    public string Described { get; }

    public static async Task<LocalStorage> EnsureAsync(Action<string> say, CancellationToken cancellationToken = default)
    {
        var configured = Environment.GetEnvironmentVariable("NBF_STORAGE");
        if (!string.IsNullOrWhiteSpace(configured)) return new LocalStorage(configured, $"storage account {AccountOf(configured)} (NBF_STORAGE)");
        await AzuriteService.StartAsync(say, cancellationToken);
        return new LocalStorage(AzuriteService.ConnectionString, "Azurite on 127.0.0.1");
    }

    /// <summary>The account's name from an account URL or a connection string's AccountName; "?" when neither says.</summary>
    private static string AccountOf(string connection)
    {
        if (Uri.TryCreate(connection, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps) return uri.Host.Split('.')[0];
        if (connection.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)) return "devstoreaccount1";
        return connection.Split(';').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("AccountName", StringComparison.OrdinalIgnoreCase))?[1] ?? "?";
    }
}
