using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace NotebookFunctions.Core.Storage;

/// <summary>Creates blob clients from configuration: an account URL with managed identity in Azure, a connection string locally.</summary>
public static class BlobServiceFactory
{
    /// <summary>Azurite's well-known development account.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    /// <summary>Azurite's well-known development account on other ports than its defaults (a second local storage).</summary>
    public static string DevelopmentStorageOn(int blobPort, int queuePort, int tablePort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>
    /// An https:// URL means "authenticate with DefaultAzureCredential" (managed identity in Azure, the developer's
    /// login locally); anything else is a connection string. The SDK's retries stay on, with a few more attempts
    /// than the default because a fan-out makes many small requests.
    /// </summary>
    public static BlobServiceClient Create(string connection, string? managedIdentityClientId = null)
    {
        var options = new BlobClientOptions
        {
            Retry = { MaxRetries = 5, Mode = RetryMode.Exponential, Delay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(10) },
        };
        if (Uri.TryCreate(connection, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = managedIdentityClientId });
            return new BlobServiceClient(uri, credential, options);
        }

        return new BlobServiceClient(connection, options);
    }
}
