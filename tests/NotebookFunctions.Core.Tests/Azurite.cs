using Azure.Storage.Blobs;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Core.Tests;

/// <summary>The real Azurite that scripts/test.sh starts (or NBF_TEST_STORAGE); each test gets its own container.</summary>
internal static class Azurite
{
    public static BlobServiceClient Service { get; } = BlobServiceFactory.Create(
        Environment.GetEnvironmentVariable("NBF_TEST_STORAGE") ?? BlobServiceFactory.DevelopmentStorage);

    public static async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = Service.GetBlobContainerClient($"test-{Guid.NewGuid():N}");
        try
        {
            await container.CreateAsync();
        }
        catch (Exception e) when (e is Azure.RequestFailedException or AggregateException or HttpRequestException)
        {
            throw new InvalidOperationException("Azurite is not reachable on 127.0.0.1:10000: run the tests with scripts/test.sh, or start it with scripts/azurite.sh start", e);
        }

        return container;
    }

    public static async Task UploadAsync(this BlobContainerClient container, string name, string text) =>
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(text), overwrite: true);
}
