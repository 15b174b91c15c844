using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Cronos;
using Microsoft.AspNetCore.Http;
using NotebookFunctions.Api.Schedules;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>The body of PUT /api/schedules/{name}.</summary>
public sealed record ScheduleBody(string? Cron, string? TimeZone, bool? Enabled, RunSubmission? Run, Orchestration.Pipelines.PipelineSubmission? Pipeline);

/// <summary>Listing, creating, replacing and deleting cron schedules.</summary>
public sealed partial class SchedulesApi(BlobServiceClient blobs, TimeProvider clock, Core.Secrets.ISecretSource? secrets = null)
{
    private readonly ScheduleStore _store = new(blobs);
    private readonly RunValidator _validator = new(blobs, secrets);
    private readonly Orchestration.Pipelines.PipelineValidator _pipelines = new(blobs, secrets);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex NamePattern();

    /// <summary>GET /api/schedules: each with its next occurrence.</summary>
    public Task<IResult> ListAsync(HttpRequest request) => ApiProblems.GuardAsync(request, async () =>
    {
        var now = clock.GetUtcNow();
        var schedules = await _store.ListAsync(request.HttpContext.RequestAborted);
        return Results.Json(new { schedules = schedules.Select(s => View(s, now)).ToList() }, ApiJson.Options);
    });

    /// <summary>PUT /api/schedules/{name}: validated like a run request (the notebook, parameters and input must exist now).</summary>
    public Task<IResult> PutAsync(HttpRequest request, string name) => ApiProblems.GuardAsync(request, async () =>
    {
        if (!NamePattern().IsMatch(name))
            throw ApiException.BadRequest($"schedule name '{name}' must be 1 to 63 lowercase letters, digits or '-', starting with a letter or digit", "name");
        var body = await RequestJson.ReadAsync<ScheduleBody>(request.Body, "schedule", request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(body.Cron)) throw ApiException.BadRequest("'cron' is required, e.g. \"0 6 * * 1-5\" (06:00 on weekdays)", "cron");
        if (body.Run is null == body.Pipeline is null)
            throw ApiException.BadRequest("give 'run' (the run request each occurrence starts) or 'pipeline' ({\"pipeline\": name, \"parameters\"}: the pipeline run each occurrence starts), one of them", body.Run is null ? "run" : "pipeline");
        var schedule = new Schedule
        {
            Name = name,
            Cron = body.Cron.Trim(),
            TimeZone = body.TimeZone ?? "UTC",
            Enabled = body.Enabled ?? true,
            Run = body.Run,
            Pipeline = body.Pipeline,
            Updated = clock.GetUtcNow(),
        };
        Check(schedule);
        var member = schedule.Pipeline is null ? "run" : "pipeline";
        try
        {
            if (schedule.Pipeline is { } pipeline) await _pipelines.CheckSubmissionAsync(pipeline, request.HttpContext.RequestAborted);
            else await _validator.ValidateAsync(schedule.Run!, request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (RunRefusalException.From(e) is { } refusal)
        {
            // The run's fields sit under "run" (or "pipeline") in a schedule: name them as the caller wrote them.
            throw new RunRefusalException(refusal.Kind, refusal.Title, refusal.Message, refusal.Field is null ? member : $"{member}.{refusal.Field}", refusal.Extensions);
        }

        var created = await _store.PutAsync(schedule, request.HttpContext.RequestAborted);
        return new LocatedResult(Results.Json(View(schedule, clock.GetUtcNow()), ApiJson.Options, statusCode: created ? 201 : 200), $"/api/schedules/{name}");
    });

    /// <summary>
    /// GET /api/schedules/preview?cron=&amp;timeZone=: the next five occurrences, as instants and in words in the zone,
    /// so a person sees what "0 6 * * 1-5" means before saving it. Checked as a schedule is (400 naming the field).
    /// </summary>
    public Task<IResult> PreviewAsync(HttpRequest request) => ApiProblems.GuardAsync(request, () =>
    {
        var cron = request.Query["cron"].FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(cron)) throw ApiException.BadRequest("'cron' is required, e.g. \"0 6 * * 1-5\" (06:00 on weekdays)", "cron");
        var schedule = new Schedule { Name = "preview", Cron = cron, TimeZone = request.Query["timeZone"].FirstOrDefault() is { Length: > 0 } zone ? zone : "UTC" };
        Check(schedule);
        var timeZone = schedule.ParseTimeZone();
        var next = new List<object>();
        var from = clock.GetUtcNow();
        foreach (var occurrence in schedule.ParseCron().GetOccurrences(from, from.AddYears(5), timeZone, fromInclusive: false).Take(5))
        {
            var local = TimeZoneInfo.ConvertTime(occurrence, timeZone);
            next.Add(new
            {
                at = occurrence.ToUniversalTime(),
                local = local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
                words = Words(local, schedule.TimeZone, occurrence.ToUniversalTime()),
            });
        }

        return Task.FromResult(Results.Json(new { cron = schedule.Cron, timeZone = schedule.TimeZone, next }, ApiJson.Options));
    });

    /// <summary>"Monday 30 November 2026 at 06:00 (Europe/Paris), 05:00 UTC".</summary>
    private static string Words(DateTimeOffset local, string zone, DateTimeOffset utc)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        var words = local.ToString("dddd d MMMM yyyy 'at' HH:mm", culture) + (local.Second != 0 ? local.ToString(":ss", culture) : string.Empty);
        return zone == "UTC" ? $"{words} UTC" : $"{words} ({zone}), {utc.ToString("HH:mm", culture)} UTC";
    }

    /// <summary>DELETE /api/schedules/{name}: runs it started are kept.</summary>
    public Task<IResult> DeleteAsync(HttpRequest request, string name) => ApiProblems.GuardAsync(request, async () =>
        await _store.DeleteAsync(name, request.HttpContext.RequestAborted)
            ? Results.NoContent()
            : throw ApiException.NotFound($"no schedule named '{name}'"));

    private static object View(Schedule schedule, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        try
        {
            next = schedule.Enabled ? schedule.ParseCron().GetNextOccurrence(now, schedule.ParseTimeZone()) : null;
        }
        catch (Exception e) when (e is CronFormatException or TimeZoneNotFoundException)
        {
            // Stored before a validation rule existed; shown without a next occurrence.
        }

        return new { name = schedule.Name, cron = schedule.Cron, timeZone = schedule.TimeZone, enabled = schedule.Enabled, run = schedule.Run, pipeline = schedule.Pipeline, updated = schedule.Updated, next };
    }

    private static void Check(Schedule schedule)
    {
        try
        {
            schedule.ParseCron();
        }
        catch (CronFormatException e)
        {
            throw ApiException.BadRequest($"'cron' \"{schedule.Cron}\" is not a cron expression: {e.Message}", "cron");
        }

        try
        {
            schedule.ParseTimeZone();
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw ApiException.BadRequest($"'timeZone' \"{schedule.TimeZone}\" is not a known time zone; use an IANA id such as Europe/Paris", "timeZone");
        }
    }
}
