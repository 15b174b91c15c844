using Microsoft.DurableTask.Client;

namespace NotebookFunctions.Orchestration;

/// <summary>Tells a running activity whether its run is still wanted (a cancelled run's kernels must stop, not finish).</summary>
public interface IRunStatusProbe
{
    Task<bool> IsActiveAsync(string runId, CancellationToken cancellationToken);
}

/// <summary>Asks the task hub: a run is active while its orchestration is pending, running or suspended.</summary>
public sealed class DurableRunStatusProbe(DurableTaskClient client) : IRunStatusProbe
{
    public async Task<bool> IsActiveAsync(string runId, CancellationToken cancellationToken)
    {
        var state = await client.GetInstanceAsync(runId, getInputsAndOutputs: false, cancellationToken);
        return state?.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended;
    }
}

/// <summary>
/// Asks storage: a run is active until a cancellation marker (runs/{runId}/cancelled.json) exists. For hosts whose
/// activities have no task hub client at hand (Azure Functions binds clients to triggers only); the API writes the
/// marker before it terminates the orchestration.
/// </summary>
public sealed class CancellationMarkerProbe(Azure.Storage.Blobs.BlobServiceClient blobs) : IRunStatusProbe
{
    public async Task<bool> IsActiveAsync(string runId, CancellationToken cancellationToken) =>
        !(await blobs.GetBlobContainerClient(Core.Storage.StorageLayout.RunsContainer)
            .GetBlobClient(Core.Storage.StorageLayout.CancelledBlob(runId)).ExistsAsync(cancellationToken)).Value;
}

/// <summary>Turns "the run is no longer active" into a cancellation token, by asking every few seconds.</summary>
public sealed class RunCancellationWatcher : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancelled = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RunCancellationWatcher(IRunStatusProbe probe, string runId, TimeSpan interval)
    {
        _loop = Task.Run(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    await Task.Delay(interval, _stop.Token);
                    if (!await probe.IsActiveAsync(runId, _stop.Token))
                    {
                        await _cancelled.CancelAsync();
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped: the chunk finished.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The task hub cannot be asked (connection lost, host stopping): the chunk runs on rather than dying of it.
            }
        });
    }

    /// <summary>Cancelled when the run was terminated or cancelled.</summary>
    public CancellationToken Token => _cancelled.Token;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _cancelled.Dispose();
    }
}
