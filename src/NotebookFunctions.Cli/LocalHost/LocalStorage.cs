namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// The storage the local host uses: NBF_STORAGE when set (a connection string or an account URL), else Azurite on
/// 127.0.0.1, started as a background service when none is listening (<see cref="AzuriteService"/>) and never
/// stopped by the command that started it.
/// </summary>
public sealed class LocalStorage
{
    private LocalStorage(string connection, string described, string key)
    {
        Connection = connection;
        Described = described;
        Key = key;
    }

    public string Connection { get; }

    /// <summary>Which storage, for people: "Azurite on 127.0.0.1", or the account NBF_STORAGE names (never its key).</summary>
    public string Described { get; }

    /// <summary>
    /// A folder-safe name for this storage ("azurite-10000", "st-mydata-blob-core-windows-net"): what keeps per-storage
    /// state on this machine (the run journal) from being read against another storage under the same task hub name.
    /// </summary>
    public string Key { get; }

    public static async Task<LocalStorage> EnsureAsync(Action<string> say, CancellationToken cancellationToken = default)
    {
        var configured = Environment.GetEnvironmentVariable("NBF_STORAGE");
        if (!string.IsNullOrWhiteSpace(configured)) return new LocalStorage(configured, $"storage account {AccountOf(configured)} (NBF_STORAGE)", $"st-{FolderSafe(EndpointOf(configured))}");
        await AzuriteService.StartAsync(say, cancellationToken);
        return new LocalStorage(AzuriteService.ConnectionString, "Azurite on 127.0.0.1", $"azurite-{AzuriteService.Ports[0]}");
    }

    /// <summary>
    /// An account URL (https://NAME.blob.core.windows.net, reached by managed identity or a developer's login); null for
    /// a connection string. The one rule for telling them apart, for this storage and for the task hub's backend.
    /// </summary>
    internal static Uri? AccountUrl(string connection) =>
        Uri.TryCreate(connection, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri : null;

    /// <summary>The account name of an account URL; null for a connection string.</summary>
    internal static string? AccountNameOfUrl(string connection) => AccountUrl(connection)?.Host.Split('.')[0];

    /// <summary>The account's name from an account URL or a connection string's AccountName; "?" when neither says.</summary>
    private static string AccountOf(string connection)
    {
        if (AccountNameOfUrl(connection) is { } account) return account;
        var parts = Parts(connection);
        return parts.TryGetValue("UseDevelopmentStorage", out var development) && development.Equals("true", StringComparison.OrdinalIgnoreCase)
            ? "devstoreaccount1"
            : parts.GetValueOrDefault("AccountName", "?");
    }

    /// <summary>Where the account's blobs are (never its key): an account URL's host, a connection string's BlobEndpoint, or its account name and suffix.</summary>
    private static string EndpointOf(string connection)
    {
        if (AccountUrl(connection) is { } url) return url.Host;
        var parts = Parts(connection);
        if (parts.TryGetValue("BlobEndpoint", out var endpoint)) return endpoint;
        if (parts.ContainsKey("UseDevelopmentStorage")) return "devstoreaccount1-10000";
        return $"{parts.GetValueOrDefault("AccountName", "unnamed")}.{parts.GetValueOrDefault("EndpointSuffix", "core.windows.net")}";
    }

    /// <summary>A connection string's "Name=value" pairs, names in any case (the last of a repeated name wins).</summary>
    private static Dictionary<string, string> Parts(string connection)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in connection.Split(';').Select(p => p.Split('=', 2)).Where(p => p.Length == 2)) parts[pair[0].Trim()] = pair[1].Trim();
        return parts;
    }

    private static string FolderSafe(string text) =>
        string.Concat(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Trim('-');
}
