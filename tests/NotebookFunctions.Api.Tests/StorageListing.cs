namespace NotebookFunctions.Api.Tests;

/// <summary>
/// What bad requests could have written, each blob with its ETag: the names of all containers (a request must
/// create none), the containers the API writes to, under the prefixes every name it would write begins with, and
/// the containers named by the needles whole. The account is shared with other tests, whose blobs are not read: reading
/// every container for each case takes minutes on a well-used Azurite.
/// </summary>
internal static class StorageListing
{
    private static readonly string[] ApiContainers = ["notebooks", "pipelines", "runs", "schedules", "inputs", "incoming", "incoming-rejected"];

    public static async Task<HashSet<string>> TakeAsync(string[] needles, string[] prefixes)
    {
        var listing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var container in ApiHarness.Blobs.GetBlobContainersAsync())
        {
            if (needles.Any(n => container.Name.Contains(n, StringComparison.Ordinal)) || ApiContainers.Contains(container.Name))
                listing.Add($"container {container.Name}");
        }

        foreach (var name in listing.Where(l => l.StartsWith("container ", StringComparison.Ordinal)).Select(l => l["container ".Length..]).ToList())
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
