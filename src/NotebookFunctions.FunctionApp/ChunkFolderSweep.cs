using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NotebookFunctions.FunctionApp;

/// <summary>At start, removes the chunk folders (input slices, outputs) that a killed predecessor on this instance left behind.</summary>
public sealed class ChunkFolderSweep(ILogger<ChunkFolderSweep> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var removed = Core.Storage.ChunkWorkFolders.SweepAbandoned();
        if (removed > 0) logger.LogInformation("Removed {Count} chunk folder(s) left by an earlier host", removed);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
