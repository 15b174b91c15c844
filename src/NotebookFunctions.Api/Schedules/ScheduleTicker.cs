using Azure.Storage.Blobs;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api.Schedules;

/// <summary>
/// What one tick did for one schedule: started the occurrence's run, found it started, could not start it (Error), or
/// found that another task hub on the same storage account claimed its run id first and runs it (OtherTaskHub).
/// </summary>
public sealed record ScheduleTick(string Schedule, DateTimeOffset Occurrence, string RunId, bool Started, string? Error, string? OtherTaskHub = null)
{
    /// <summary>What became of the occurrence's run, in words, when it was not refused.</summary>
    public string Outcome => Started ? "started" : OtherTaskHub is { } hub ? $"is run by task hub '{hub}', which claimed it first" : "already started";
}

/// <summary>
/// Called every minute (the Functions timer, or nbf serve's loop): starts each enabled schedule's latest due
/// occurrence under the id schedule + occurrence time, so a tick that fires twice, or two hosts ticking at once,
/// start one run per occurrence.
/// </summary>
public sealed class ScheduleTicker(BlobServiceClient blobs, Core.Secrets.ISecretSource? secrets = null, IRunJournal? journal = null, string? taskHub = null)
{
    private readonly ScheduleStore _schedules = new(blobs);

    // Occurrences that could not start, reported once each: a daily schedule whose notebook was deleted would
    // otherwise log the same error every minute until its next occurrence.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);

    public async Task<List<ScheduleTick>> TickAsync(DurableTaskClient client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runs = new RunService(blobs, client, secrets, journal: journal, taskHub: taskHub);
        var ticks = new List<ScheduleTick>();
        foreach (var schedule in await _schedules.ListAsync(cancellationToken))
        {
            if (!schedule.Enabled || schedule.LatestDue(schedule.Updated, now) is not { } occurrence) continue;
            var runId = RunIds.ForSchedule(schedule.Target, schedule.Name, occurrence);
            try
            {
                var started = schedule.Pipeline is { } pipeline
                    ? await runs.StartPipelineAsync(pipeline, RunIdChoice.Exactly(runId), cancellationToken)
                    : await runs.StartAsync(schedule.Run ?? throw RunRefusalException.Invalid($"schedule '{schedule.Name}' names neither a run nor a pipeline", "run"), RunIdChoice.Exactly(runId), cancellationToken);
                if (started.Started) ticks.Add(new ScheduleTick(schedule.Name, occurrence, runId, true, null));
            }
            catch (Exception e) when (RunRefusalException.From(e) is { Title: RunService.RunIdTaken } taken && taken.Extensions.GetValueOrDefault("taskHub") is string other)
            {
                // Another backend on this storage account (another task hub) ticked the same schedule first and runs this
                // occurrence: not an error, and nothing for this host to do (reported once).
                if (_reported.TryAdd(runId, 0)) ticks.Add(new ScheduleTick(schedule.Name, occurrence, runId, false, null, other));
            }
            catch (Exception e) when (RunRefusalException.From(e) is { } refusal)
            {
                // A schedule whose notebook or input went away: reported (once), and the other schedules still run.
                if (_reported.TryAdd(runId, 0)) ticks.Add(new ScheduleTick(schedule.Name, occurrence, runId, false, refusal.Message));
            }
        }

        return ticks;
    }
}
