using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Orchestration;

namespace NotebookFunctions.Cli.LocalHost;

/// <summary>Settings of the local durable host.</summary>
public sealed record LocalHostOptions
{
    /// <summary>Storage connection (Azurite's development account locally).</summary>
    public required string StorageConnection { get; init; }

    public string TaskHub { get; init; } = "nbflocal";

    /// <summary>Chunks run at once: activity work items and warm kernels.</summary>
    public int Parallelism { get; init; } = 2;

    /// <summary>False for commands that only query or cancel runs: no worker, no dispatching of work items.</summary>
    public bool RunWorker { get; init; } = true;

    /// <summary>Silent unless NBF_LOG names a level (trace, debug, information, warning, error): then the engine's logs go to stderr.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = Microsoft.Extensions.Logging.LoggerFactory.Create(b =>
    {
        if (Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("NBF_LOG"), ignoreCase: true, out var level))
        {
            b.SetMinimumLevel(level);
            b.AddSimpleConsole(o => o.SingleLine = true).Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        else
        {
            b.SetMinimumLevel(LogLevel.Warning);
        }
    });
}

/// <summary>
/// The same orchestration and activities as on Azure, hosted in this process: the Durable Task gRPC sidecar in
/// Kestrel on loopback over the Azure Storage backend (tables, queues and blobs in Azurite), with the Durable Task
/// worker and client pointed at it. State lives in storage, so a host killed mid-run resumes where it stopped.
/// </summary>
public sealed class LocalDurableHost : IAsyncDisposable
{
    private readonly WebApplication _sidecar;
    private readonly IHost _worker;
    private readonly GrpcChannel _channel;
    private readonly KernelPool? _pool;
    private readonly Task? _dispatcherStarted;
    private readonly LocalWorkerId _workerId;
    private readonly AzureStorageOrchestrationService _service;

    private LocalDurableHost(WebApplication sidecar, IHost worker, GrpcChannel channel, KernelPool? pool, Task? dispatcherStarted, LocalWorkerId workerId, int partitionCount, AzureStorageOrchestrationService service)
    {
        _service = service;
        _workerId = workerId;
        PartitionCount = partitionCount;
        _dispatcherStarted = dispatcherStarted;
        _sidecar = sidecar;
        _worker = worker;
        _channel = channel;
        _pool = pool;
    }

    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(30);
    private const int MaxMessageBytes = 256 * 1024 * 1024;

    /// <summary>The id this process joined its task hub under (the manifest's worker for the chunks it runs).</summary>
    public string WorkerId => _workerId.Id;

    /// <summary>The task hub's partitions (control queues): up to this many workers share its orchestrations.</summary>
    public int PartitionCount { get; }

    /// <summary>
    /// How long a partition's lease lasts without renewal: a worker that died (SIGKILL, lost machine) leaves its
    /// orchestrations to the others this long after its last renewal. Renewed (and partitions balanced across workers)
    /// every <see cref="LeaseRenewal"/>.
    /// </summary>
    public static readonly TimeSpan LeaseLength = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan LeaseRenewal = TimeSpan.FromSeconds(5);

    public DurableTaskClient Client => _worker.Services.GetRequiredService<DurableTaskClient>();

    public BlobServiceClient Blobs => _worker.Services.GetRequiredService<BlobServiceClient>();

    public static async Task<LocalDurableHost> StartAsync(LocalHostOptions options, CancellationToken cancellationToken = default)
    {
        // Input slices a killed predecessor left in its chunks' folders go before this host starts its own.
        if (options.RunWorker) Core.Storage.ChunkWorkFolders.SweepAbandoned();
        var partitions = await TaskHubPartitions.OfAsync(QueuesOf(options.StorageConnection), options.TaskHub, cancellationToken);
        // Only processes that run work take the machine's stable id; one that only asks (status, cancel) never owns a partition.
        var workerId = LocalWorkerId.Choose(options.TaskHub, asking: !options.RunWorker);
        if (options.RunWorker) Orchestration.Runs.WorkerName.Use(workerId.Id);
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = ClientProvider(options.StorageConnection),
            TaskHubName = options.TaskHub,
            PartitionCount = partitions,
            WorkerId = workerId.Id,
            // Partition leases in a table, balanced across the workers on the hub (stealing from those above their share).
            UseTablePartitionManagement = true,
            LeaseInterval = LeaseLength,
            LeaseAcquireInterval = LeaseRenewal,
            LeaseRenewInterval = LeaseRenewal,
            UseAppLease = false,
            // Idle queues are polled with back-off up to this: short, because every chunk costs a few queue hops
            // and Azurite on loopback answers a poll in a millisecond.
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
            MaxConcurrentTaskActivityWorkItems = options.Parallelism,
            MaxConcurrentTaskOrchestrationWorkItems = 4,
            // Short timeouts bring a killed host's in-flight work back within seconds of a restart; running
            // activities are kept invisible by renewal (RenewingOrchestrationService) so they are not delivered twice.
            WorkItemQueueVisibilityTimeout = VisibilityTimeout,
            ControlQueueVisibilityTimeout = VisibilityTimeout,
            LoggerFactory = options.LoggerFactory,
        });
        await service.CreateIfNotExistsAsync();

        var builder = Api.EmbeddedHosts.WebBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options.LoggerFactory);
        // Port 0: the system picks a free port as Kestrel binds, so no other process can take it in between (a port
        // found free and released first was taken by a concurrent process once in a CI run: "Failed to bind").
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        // Orchestration histories of big fan-outs travel in one message: lift gRPC's 4 MB default.
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxMessageBytes;
            o.MaxSendMessageSize = MaxMessageBytes;
        });
        var orchestrations = new RenewingOrchestrationService(service, VisibilityTimeout / 3);
        builder.Services.AddSingleton<IOrchestrationService>(orchestrations);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        // nbf owns SIGTERM and Ctrl+C: the hosts inside it must not take them (the process would never exit).
        builder.Services.AddSingleton<IHostLifetime, Api.EmbeddedHostLifetime>();
        builder.Services.Configure<TaskHubGrpcServerOptions>(o => o.Mode = options.RunWorker ? TaskHubGrpcServerMode.ApiServerAndDispatcher : TaskHubGrpcServerMode.ApiServerOnly);
        var sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(cancellationToken);
        var port = new Uri(sidecar.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First()).Port;

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions { MaxReceiveMessageSize = MaxMessageBytes, MaxSendMessageSize = MaxMessageBytes });
        var blobs = Core.Storage.BlobServiceFactory.Create(options.StorageConnection);
        // Warm kernels only where chunks will run.
        // Twice the parallelism: a finished chunk's successor finds a warm kernel instead of waiting for one to start.
        var pool = options.RunWorker ? new KernelPool(new KernelSpecFinder().Find(null), new KernelPoolOptions { Size = 2 * options.Parallelism, PreImports = "import pandas" }) : null;
        var worker = Api.EmbeddedHosts.HostBuilder()
            .ConfigureLogging(l =>
            {
                l.ClearProviders();
                l.Services.AddSingleton(options.LoggerFactory);
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton<IHostLifetime, Api.EmbeddedHostLifetime>();
                services.AddSingleton(blobs);
                if (pool is not null) services.AddSingleton(new NotebookExecutor(pool));
                services.AddSingleton<IRunStatusProbe, DurableRunStatusProbe>();
                services.AddSingleton(SecretSources.ForLocalHost());
                services.AddSingleton(ChunkBatching.FromEnvironment());
                if (options.RunWorker)
                {
                    services.AddDurableTaskWorker(b =>
                    {
                        b.UseGrpc(channel);
                        b.AddTasks(r => r.AddNotebookTasks());
                        b.Configure(o => o.Concurrency.MaximumConcurrentActivityWorkItems = options.Parallelism);
                    });
                }

                services.AddDurableTaskClient(b =>
                {
                    b.UseGrpc(channel);
                    b.RegisterDirectly();
                });
            })
            .Build();
        await worker.StartAsync(cancellationToken);
        return new LocalDurableHost(sidecar, worker, channel, pool, options.RunWorker ? orchestrations.Started : null, workerId, partitions, service);
    }

    /// <summary>
    /// A connection string as is; an account URL (https://NAME.blob.core.windows.net) by managed identity / developer
    /// login: how the backend reaches the task hub's queues and tables, and so how nbf reads them too.
    /// </summary>
    internal static StorageAccountClientProvider ClientProvider(string connection) =>
        LocalStorage.AccountNameOfUrl(connection) is { } account
            ? new StorageAccountClientProvider(account, new Azure.Identity.DefaultAzureCredential())
            : new StorageAccountClientProvider(connection);

    /// <summary>The task hub's queues, reached as the backend reaches them (<see cref="ClientProvider"/>).</summary>
    private static Azure.Storage.Queues.QueueServiceClient QueuesOf(string connection) =>
        ClientProvider(connection).Queue.CreateClient(new Azure.Storage.Queues.QueueClientOptions());

    public async ValueTask DisposeAsync()
    {
        // A command refused right after the host started (a bad pipeline file) must not stop it while the dispatcher
        // is still starting the backend: that start would then throw on a pool thread and end the process.
        if (_dispatcherStarted is not null) await Task.WhenAny(_dispatcherStarted, Task.Delay(TimeSpan.FromSeconds(15)));
        await _worker.StopAsync(TimeSpan.FromSeconds(10));
        _worker.Dispose();
        await _channel.ShutdownAsync();
        _channel.Dispose();
        await _sidecar.StopAsync(TimeSpan.FromSeconds(10));
        await _sidecar.DisposeAsync();
        if (_dispatcherStarted is not null) await ReleasePartitionsAsync();
        if (_pool is not null) await _pool.DisposeAsync();
        _workerId.Dispose();
    }

    /// <summary>
    /// A host that stops (Ctrl+C, SIGTERM, the end of `nbf run`) gives its partitions back at once, so other workers take
    /// its runs over, and `nbf cancel` sees no host, without waiting <see cref="LeaseLength"/> for the leases to lapse.
    /// Forced: its sessions are over (the dispatchers stopped), nothing is left to drain.
    /// </summary>
    private async Task ReleasePartitionsAsync()
    {
        try
        {
            await _service.StopAsync(isForced: true).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Best effort (storage gone or slow; the backend wraps storage errors in its own internal type): the leases
            // lapse on their own after LeaseLength, as a killed host's do.
        }
    }
}
