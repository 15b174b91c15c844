using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NotebookFunctions.Api;
using NotebookFunctions.Api.Endpoints;
using NotebookFunctions.Api.Incoming;
using NotebookFunctions.Api.Schedules;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.FunctionApp.Middleware;
using NotebookFunctions.Orchestration;

namespace NotebookFunctions.FunctionApp;

/// <summary>Everything the app's functions and activities need, from configuration, in one place (Program.cs and the tests call it).</summary>
public static class NotebookFunctionsServices
{
    public static IServiceCollection AddNotebookFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => StorageFromConfiguration(configuration));
        services.AddSingleton(TimeProvider.System);
        var api = (configuration.GetSection("NotebookFunctions:Api").Get<ApiOptions>() ?? new ApiOptions()) with { TaskHub = FunctionsTaskHub.Name(configuration) };
        services.AddSingleton(api);
        services.Configure<AuthOptions>(o =>
        {
            o.DevelopmentRoles = configuration["NotebookFunctions:Auth:DevelopmentRoles"];
            o.IsDevelopment = string.Equals(configuration["AZURE_FUNCTIONS_ENVIRONMENT"], "Development", StringComparison.OrdinalIgnoreCase);
            o.PlatformAuthentication = string.Equals(configuration["WEBSITE_AUTH_ENABLED"], "True", StringComparison.OrdinalIgnoreCase);
            o.RunsInAzure = !string.IsNullOrEmpty(configuration["WEBSITE_INSTANCE_ID"]);
        });
        services.AddSingleton<PublishTestGate>();
        services.AddSingleton<NotebooksApi>();
        services.AddSingleton<RunsApi>();
        services.AddSingleton<PipelinesApi>();
        services.AddSingleton<SchedulesApi>();
        services.AddSingleton<CatalogListing>();
        services.AddSingleton<CatalogApi>();
        services.AddSingleton<UploadsApi>();
        services.AddSingleton(sp => new ScheduleTicker(sp.GetRequiredService<BlobServiceClient>(), sp.GetService<ISecretSource>(), taskHub: api.TaskHub));
        services.AddSingleton(sp => new IncomingBlobs(sp.GetRequiredService<BlobServiceClient>(), sp.GetService<ISecretSource>(), taskHub: api.TaskHub));

        // Activities: a warm pool of fresh kernels, secrets from Key Vault and settings, cancellation seen through blob markers.
        services.AddSingleton(_ => new KernelPool(new KernelSpecFinder().Find(configuration["NotebookFunctions:Kernels:Name"]), new KernelPoolOptions
        {
            Size = configuration.GetValue("NotebookFunctions:Kernels:PoolSize", 2),
            PreImports = configuration["NotebookFunctions:Kernels:PreImports"] ?? "import pandas",
        }));
        services.AddSingleton(sp => new NotebookExecutor(sp.GetRequiredService<KernelPool>()));
        // Key Vault by URI with the app's managed identity, and nothing else; values are read in the activity only.
        services.AddSingleton(_ => SecretSources.Create(
            configuration["NotebookFunctions:KeyVaultUri"],
            configuration["NotebookFunctions:ManagedIdentityClientId"] ?? configuration["AZURE_CLIENT_ID"],
            localSettingsPath: null,
            // A Runner names secrets: in Azure that must never reach the app's own settings or the identity endpoint.
            includeEnvironment: false));
        services.AddSingleton<IRunStatusProbe, CancellationMarkerProbe>();
        // Chunks per batch of a big run (NBF_CHUNK_BATCH_SIZE, else 500): recorded in each plan, so instances never disagree mid-run.
        services.AddSingleton(_ => Orchestration.ChunkBatching.FromEnvironment());
        return services;
    }

    /// <summary>
    /// NotebookFunctions:Storage (a connection string or an https:// account URL), else the Functions host's own
    /// AzureWebJobsStorage: a connection string locally, or identity-based (__blobServiceUri or __accountName, with
    /// __clientId for a user-assigned identity) in Azure.
    /// </summary>
    public static BlobServiceClient StorageFromConfiguration(IConfiguration configuration)
    {
        var clientId = configuration["AzureWebJobsStorage:clientId"] ?? configuration["AZURE_CLIENT_ID"];
        if (configuration["NotebookFunctions:Storage"] is { Length: > 0 } explicitSetting) return BlobServiceFactory.Create(explicitSetting, clientId);
        if (configuration["AzureWebJobsStorage"] is { Length: > 0 } connection) return BlobServiceFactory.Create(connection, clientId);
        if (configuration["AzureWebJobsStorage:blobServiceUri"] is { Length: > 0 } uri) return BlobServiceFactory.Create(uri, clientId);
        if (configuration["AzureWebJobsStorage:accountName"] is { Length: > 0 } account)
            return BlobServiceFactory.Create($"https://{account}.blob.core.windows.net", clientId);
        throw new InvalidOperationException("no storage configured: set AzureWebJobsStorage (a connection string, or __accountName with a managed identity) or NotebookFunctions__Storage");
    }
}
