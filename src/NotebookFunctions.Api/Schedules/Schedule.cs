using Cronos;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api.Schedules;

/// <summary>A cron schedule that starts a run: when (cron in a time zone), what (a run body, or a pipeline run), and whether it is on.</summary>
public sealed record Schedule
{
    public required string Name { get; init; }

    /// <summary>Five fields (minute hour day month weekday), or six with seconds first.</summary>
    public required string Cron { get; init; }

    /// <summary>IANA time zone id, e.g. Europe/Paris; occurrences follow its daylight saving changes.</summary>
    public string TimeZone { get; init; } = "UTC";

    public bool Enabled { get; init; } = true;

    /// <summary>The run each occurrence starts (the notebook's latest version when it names none); null when it starts a pipeline.</summary>
    public RunSubmission? Run { get; init; }

    /// <summary>The pipeline run each occurrence starts (the pipeline's latest version when it names none); null when it starts a run.</summary>
    public Orchestration.Pipelines.PipelineSubmission? Pipeline { get; init; }

    /// <summary>What each occurrence's run id starts with: the notebook's or the pipeline's name.</summary>
    public string Target => Pipeline?.Pipeline ?? Run?.Notebook ?? string.Empty;

    /// <summary>When the schedule was last written: occurrences before it never run.</summary>
    public DateTimeOffset Updated { get; init; }

    public CronExpression ParseCron() =>
        CronExpression.Parse(Cron, Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);

    public TimeZoneInfo ParseTimeZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>
    /// The latest occurrence in (since, now]: the one a tick at <paramref name="now"/> must have started. After downtime
    /// the missed occurrences collapse into this one, so the run happens once, not once per missed minute.
    /// </summary>
    public DateTimeOffset? LatestDue(DateTimeOffset since, DateTimeOffset now)
    {
        var cron = ParseCron();
        var zone = ParseTimeZone();
        DateTimeOffset? latest = null;
        // Walk back in widening windows: a minutely schedule finds its occurrence in the first, a yearly one eventually.
        foreach (var window in new[] { TimeSpan.FromHours(1), TimeSpan.FromDays(2), TimeSpan.FromDays(32), TimeSpan.FromDays(400) })
        {
            var from = now - window < since ? since : now - window;
            foreach (var occurrence in cron.GetOccurrences(from, now, zone, fromInclusive: false, toInclusive: true)) latest = occurrence;
            if (latest is not null || from == since) break;
        }

        return latest;
    }
}
