using Microsoft.DurableTask;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>How often a delivery is tried and how long to wait between tries: 5 s, doubling, at most 5 minutes apart.</summary>
public sealed record NotificationRetryPolicy(int MaxAttempts = 8, double FirstDelaySeconds = 5, double BackoffCoefficient = 2, double MaxDelaySeconds = 300)
{
    public TimeSpan DelayBefore(int attempt) => TimeSpan.FromSeconds(Math.Min(MaxDelaySeconds, FirstDelaySeconds * Math.Pow(BackoffCoefficient, attempt - 2)));
}

/// <summary>
/// The orchestrator's side of notifications: once a run's terminal state is known and its record written, every
/// notification whose states include it is delivered, all at once, each retried with durable timers (so attempts and
/// the last error are known and recorded, which a task retry policy would hide). Deterministic; the outcomes never
/// change the run's status.
/// </summary>
public static class NotificationDelivery
{
    public static readonly NotificationRetryPolicy Retry = new();

    public static async Task<IReadOnlyList<NotificationOutcome>> DeliverAsync(TaskOrchestrationContext context, IReadOnlyList<Notification> notify, RunNotice notice)
    {
        var due = notify.Select((target, index) => (target, index)).Where(n => n.target.On.Contains(notice.Status)).ToList();
        if (due.Count == 0) return [];
        return await Task.WhenAll(due.Select(n => DeliverOneAsync(context, n.target, n.index, notice)));
    }

    private static async Task<NotificationOutcome> DeliverOneAsync(TaskOrchestrationContext context, Notification target, int index, RunNotice notice)
    {
        var eventId = NotificationEvents.IdFor(notice.RunId, notice.Status, index);
        DeliveryAttempt last = new(DeliveryState.Retry, null, null);
        var attempt = 0;
        while (attempt < Retry.MaxAttempts)
        {
            attempt++;
            if (attempt > 1) await context.CreateTimer(Retry.DelayBefore(attempt), CancellationToken.None);
            try
            {
                last = await context.CallActivityAsync<DeliveryAttempt>(nameof(DeliverNotification), new DeliverNotificationInput(target, index, eventId, notice, attempt));
            }
            catch (TaskFailedException e)
            {
                // The activity itself failed (a secret source unreachable, a bug): counted as an attempt, and retried.
                last = new DeliveryAttempt(DeliveryState.Retry, null, $"{e.FailureDetails.ErrorType}: {e.FailureDetails.ErrorMessage}");
            }

            if (last.State != DeliveryState.Retry) break;
        }

        return new NotificationOutcome
        {
            Index = index,
            Target = target.Shown,
            EventId = eventId,
            Outcome = last.State == DeliveryState.Delivered ? "delivered" : "gave up",
            Attempts = attempt,
            StatusCode = last.StatusCode,
            LastError = last.Error,
        };
    }

    /// <summary>What a notification says about a notebook run that ended with <paramref name="result"/>.</summary>
    public static RunNotice NoticeOf(RunRequest request, RunResult result, DateTime startedAt, DateTime endedAt) => new()
    {
        Kind = "run",
        RunId = result.RunId,
        Name = request.Notebook,
        Version = request.Version,
        Status = result.Status,
        StartedAt = startedAt,
        EndedAt = endedAt,
        Error = result.Error,
        Chunks = result.ChunkCount,
        SucceededChunks = result.Succeeded,
        FailedChunks = result.Failed,
        FailedChunkList = result.FailedChunks.OrderBy(c => c.Index).Take(RunNotice.MaxFailuresListed).Select(c => new NoticeChunk(c.Index, c.Attempts, c.Error)).ToList(),
        Secrets = request.Secrets,
        RepairOf = request.RepairOf,
    };
}
