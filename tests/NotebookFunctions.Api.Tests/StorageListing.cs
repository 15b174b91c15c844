namespace NotebookFunctions.Api.Tests;

/// <summary>
/// What bad requests could have written, each blob with its ETag: the names of all containers (a request must
/// create none), the containers the API writes to, under the prefixes every name it would write begins with, and
/// the containers named by the needles whole. The account is shared with other tests, whose blobs are not read: reading
/// every container for each case takes minutes on a well-used Azurite. Whether one of the API's shared containers
/// exists is not recorded: on a fresh account, a test running at the same time may create it between two listings.
/// </summary>
internal static class StorageListing
{
    private static readonly string[] ApiContainers = ["notebooks", "pipelines", "runs", "schedules", "inputs", "incoming", "incoming-rejected"];

    public static async Task<HashSet<string>> TakeAsync(string[] needles, string[] prefixes)
    {
        var listing = new HashSet<string>(StringComparer.Ordinal);
        var toRead = new List<string>();
        await foreach (var container in ApiHarness.Blobs.GetBlobContainersAsync())
        {
            if (ApiContainers.Contains(container.Name)) toRead.Add(container.Name);
            else if (needles.Any(n => container.Name.Contains(n, StringComparison.Ordinal)))
            {
                listing.Add($"container {container.Name}");
                toRead.Add(container.Name);
            }
        }

        foreach (var name in toRead)
        {
            var client = ApiHarness.Blobs.GetBlobContainerClient(name);
            foreach (var prefix in ApiContainers.Contains(name) ? prefixes : [string.Empty])
            {
                await foreach (var blob in client.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = prefix }))
                    listing.Add($"{name}/{blob.Name}@{blob.Properties.ETag}");
            }
        }

        return listing;
    }
}
