using Azure;
using Azure.Data.Tables;

namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// Which hosts (nbf run, serve, worker, resume) work on a task hub now, read from the leases its partitions are held
/// by: the durable backend's partition table ({hub}Partitions, one row per control queue naming its current owner
/// and when that lease expires). A host renews its leases every few seconds while it lives; a killed one's expire
/// after <see cref="LocalDurableHost.LeaseLength"/>.
/// </summary>
internal static class TaskHubHosts
{
    /// <summary>
    /// The workers holding an unexpired lease on one of the hub's partitions; none when the hub has no partition table
    /// yet; null when the table cannot be read (no right to, a sign-in that failed): who works on the hub is not known.
    /// </summary>
    public static async Task<IReadOnlyList<string>?> LiveAsync(string storageConnection, string taskHub, TimeProvider clock, CancellationToken cancellationToken)
    {
        var table = LocalDurableHost.ClientProvider(storageConnection).Table.CreateClient(new TableClientOptions()).GetTableClient($"{taskHub}Partitions");
        var now = clock.GetUtcNow();
        var owners = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var lease in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
            {
                if (lease.GetString("CurrentOwner") is { Length: > 0 } owner && lease.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now)
                    owners.Add(owner);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No table: no host ever joined this hub.
        }
        catch (Exception e) when (e is RequestFailedException or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException)
        {
            return null;
        }

        return [.. owners];
    }
}
