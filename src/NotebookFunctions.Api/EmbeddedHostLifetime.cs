using Microsoft.Extensions.Hosting;

namespace NotebookFunctions.Api;

/// <summary>
/// The lifetime of a host embedded in a process that owns its signals (nbf): the default console lifetime would take
/// SIGTERM and Ctrl+C for itself, stop only its own host and leave the process waiting forever. Here the process
/// decides when to stop, and disposes the host.
/// </summary>
public sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
