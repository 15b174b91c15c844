using System.Text;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>The orchestration on Durable Task's in-memory test host, with real Azurite blobs and real kernels.</summary>
internal sealed class RunHarness : IAsyncDisposable
{
    private readonly DurableTaskTestHost _host;

    private RunHarness(DurableTaskTestHost host) => _host = host;

    public static BlobServiceClient Blobs => DurableTestHosts.Blobs;

    public DurableTaskClient Client => _host.Client;

    public static async Task<RunHarness> StartAsync(Action<IServiceCollection>? configure = null, ILoggerProvider? logs = null)
    {
        var host = await DurableTestHosts.StartAsync(configure: configure, logs: logs);
        return new RunHarness(host);
    }

    /// <summary>Publishes a notebook whose first cell is the parameters cell; returns its version.</summary>
    public static Task<(string Name, string Version)> PublishAsync(string parameters, params string[] cells) => PublishAsync(source: null, parameters, cells);

    /// <summary>Publishes a notebook whose first cell is the parameters cell, recording where it came from; returns its version.</summary>
    public static async Task<(string Name, string Version)> PublishAsync(NotebookSource? source, string parameters, params string[] cells)
    {
        var store = new NotebookStore(Blobs);
        await store.EnsureCreatedAsync();
        var name = $"nb-{Guid.NewGuid():N}"[..20];
        var published = await store.PublishAsync(name, Encoding.UTF8.GetBytes(TestNotebooks.Text(parameters, cells)), source);
        return (name, published.Version);
    }

    /// <summary>Publishes this notebook (one whose metadata a test set, say) under a new name; returns its version.</summary>
    public static async Task<(string Name, string Version)> PublishAsync(Core.Notebooks.Notebook notebook)
    {
        var store = new NotebookStore(Blobs);
        await store.EnsureCreatedAsync();
        var name = $"nb-{Guid.NewGuid():N}"[..20];
        var published = await store.PublishAsync(name, Encoding.UTF8.GetBytes(notebook.ToText()), source: null);
        return (name, published.Version);
    }

    public static Task<BlobContainerClient> UploadInputAsync(string blobName, string content) => DurableTestHosts.UploadInputAsync(blobName, content);

    public async Task<(RunResult Result, OrchestrationMetadata Metadata)> RunAsync(RunRequest request, string? runId = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(NotebookRunOrchestrator), request, new StartOrchestrationOptions(runId ?? $"run-{Guid.NewGuid():N}"));
        return await WaitAsync(id);
    }

    /// <summary>Waits for a run started by other means (RunService's start or repair) to end; it must end with a result.</summary>
    public async Task<(RunResult Result, OrchestrationMetadata Metadata)> WaitAsync(string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var metadata = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.True(metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{metadata.RuntimeStatus}: {metadata.FailureDetails}");
        return (metadata.ReadOutputAs<RunResult>()!, metadata);
    }

    public static async Task<string?> ReadRunBlobAsync(string name) => await new RunStore(Blobs).DownloadTextAsync(name);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();
}
