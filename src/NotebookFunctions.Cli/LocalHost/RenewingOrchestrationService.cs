using System.Collections.Concurrent;
using DurableTask.Core;

namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// Keeps long activities' queue messages invisible while they run. The gRPC sidecar never renews the locks of
/// the work items it hands out, so on the Azure Storage backend a chunk running longer than the visibility timeout
/// would be delivered a second time. With renewal here, the timeout can be short, which is what makes a killed
/// host's in-flight chunks come back quickly after a restart. It also hands sub-orchestration starts to the backend
/// in a shape it can read back (<see cref="SubOrchestrationTags"/>), and keeps the activity limit itself
/// (<see cref="MaxConcurrentTaskActivityWorkItems"/>).
/// </summary>
internal sealed class RenewingOrchestrationService(IOrchestrationService inner, TimeSpan renewEvery) : IOrchestrationService
{
    private readonly ConcurrentDictionary<TaskActivityWorkItem, CancellationTokenSource> _renewals = new();

    // One slot per activity work item the backend may have out at once: taken before a message is locked, given
    // back when its work item is completed or abandoned.
    private readonly SemaphoreSlim _activitySlots = new(inner.MaxConcurrentTaskActivityWorkItems);

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    /// <summary>
    /// No limit, as the sidecar's dispatcher sees it. Its WorkItemDispatcher polls for a free slot with a 500 ms sleep
    /// whenever this many work items are out, which left a finished chunk's slot idle for up to half a second (measured:
    /// 1,000 trivial chunks at 3.9 chunks/s, both slots waiting out each sleep together). The limit is kept here
    /// instead: <see cref="LockNextTaskActivityWorkItem"/> waits for a free slot before it locks a message, so no more
    /// messages are taken than before, and a slot frees the moment its work item ends.
    /// </summary>
    public int MaxConcurrentTaskActivityWorkItems => int.MaxValue;

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        await _activitySlots.WaitAsync(cancellationToken);
        TaskActivityWorkItem? workItem = null;
        try
        {
            workItem = await inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        }
        finally
        {
            if (workItem is null) _activitySlots.Release();
        }

        if (workItem is not null)
        {
            var stop = new CancellationTokenSource();
            _renewals[workItem] = stop;
            _ = RenewUntilDoneAsync(workItem, stop.Token);
        }

        return workItem!;
    }

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        var slot = StopRenewing(workItem);
        try
        {
            await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
        }
        finally
        {
            if (slot) _activitySlots.Release();
        }
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        var slot = StopRenewing(workItem);
        try
        {
            await inner.AbandonTaskActivityWorkItemAsync(workItem);
        }
        finally
        {
            if (slot) _activitySlots.Release();
        }
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    private async Task RenewUntilDoneAsync(TaskActivityWorkItem workItem, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(renewEvery, stop);
                await inner.RenewTaskActivityWorkItemLockAsync(workItem);
            }
        }
        catch (OperationCanceledException)
        {
            // Completed or abandoned.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Renewal failed (storage unreachable, message gone): the message may be delivered again, which activities tolerate.
        }
    }

    /// <summary>
    /// True the first time for a work item, which then gives its slot back: a completion that throws is followed by
    /// an abandon of the same work item, and the slot must be freed once.
    /// </summary>
    private bool StopRenewing(TaskActivityWorkItem workItem)
    {
        if (!_renewals.TryRemove(workItem, out var stop)) return false;
        stop.Cancel();
        stop.Dispose();
        return true;
    }

    /// <summary>
    /// Completes once the sidecar's dispatcher has started the backend (it does so on its own, after the host
    /// started). A host stopped before then makes the backend's start throw on a pool thread, which ends the process:
    /// stopping waits for this first.
    /// </summary>
    public Task Started => _started.Task;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task StartAsync()
    {
        try
        {
            await inner.StartAsync();
        }
        finally
        {
            _started.TrySetResult();
        }
    }

    public Task StopAsync() => inner.StopAsync();

    public Task StopAsync(bool isForced) => inner.StopAsync(isForced);

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, SubOrchestrationTags.Plain(newOrchestrationRuntimeState), outboundMessages, SubOrchestrationTags.Plain(orchestratorMessages), timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
}
