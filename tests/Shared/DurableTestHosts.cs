using Azure.Storage.Blobs;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration;

namespace NotebookFunctions.Tests.Shared;

/// <summary>
/// The notebook orchestration on Durable Task's in-memory test host, with real Azurite blobs (scripts/test.sh starts
/// it, or NBF_TEST_STORAGE) and real kernels: what the test projects that run notebooks share.
/// </summary>
internal static class DurableTestHosts
{
    public static BlobServiceClient Blobs { get; } = BlobServiceFactory.Create(
        Environment.GetEnvironmentVariable("NBF_TEST_STORAGE") ?? BlobServiceFactory.DevelopmentStorage);

    /// <param name="probe">How activities learn a run was cancelled; the task hub itself when null.</param>
    /// <param name="logs">Receives our activities' logs from Information up; warnings only otherwise.</param>
    public static Task<DurableTaskTestHost> StartAsync(Func<IServiceProvider, IRunStatusProbe>? probe = null, Action<IServiceCollection>? configure = null, ILoggerProvider? logs = null) =>
        TestHostStarts.RetryingAsync(() => DurableTaskTestHost.StartAsync(
            registry => registry.AddNotebookTasks(),
            new DurableTaskTestHostOptions
            {
                LoggerFactory = LoggerFactory.Create(b =>
                {
                    b.SetMinimumLevel(LogLevel.Warning);
                    if (logs is null) return;
                    b.AddProvider(logs);
                    b.AddFilter("NotebookFunctions", LogLevel.Information);
                }),
                ConfigureServices = services =>
                {
                    services.AddSingleton(Blobs);
                    services.AddSingleton(new NotebookExecutor());
                    services.AddSingleton<ISecretSource, EnvironmentSecretSource>();
                    if (probe is null) services.AddSingleton<IRunStatusProbe, DurableRunStatusProbe>();
                    else services.AddSingleton(probe);
                    configure?.Invoke(services);
                },
            }));

    /// <summary>A new container holding one blob.</summary>
    public static async Task<BlobContainerClient> UploadInputAsync(string blobName, string content)
    {
        var container = Blobs.GetBlobContainerClient($"in-{Guid.NewGuid():N}");
        await container.CreateAsync();
        await container.GetBlobClient(blobName).UploadAsync(BinaryData.FromString(content));
        return container;
    }
}
