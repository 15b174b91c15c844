using System.Net;
using NotebookFunctions.Api.Schedules;

namespace NotebookFunctions.Api.Tests;

/// <summary>PUT/GET/DELETE /api/schedules and the minute tick that starts due occurrences exactly once.</summary>
public sealed class ScheduleTests
{
    private static async Task<(ApiHarness Api, string Notebook, string Container)> SetUpAsync()
    {
        var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("sched");
        await api.PublishAsync(name, ApiHarness.NotebookText("input_path = 'x'\noutput_dir = 'o'\nlabel = 'daily'", "print(label)"));
        var input = await ApiHarness.UploadInputAsync("data.csv", "a\n1\n");
        return (api, name, input.Name);
    }

    private static object Body(string notebook, string container, string cron = "* * * * *", string timeZone = "Europe/Paris", object? parameters = null) => new
    {
        cron,
        timeZone,
        run = new { notebook, parameters = parameters ?? new { label = "nightly" }, input = new { container, prefix = "data.csv" } },
    };

    [Fact]
    public async Task A_schedule_is_validated_stored_listed_with_its_next_occurrence_and_deleted()
    {
        var (api, notebook, container) = await SetUpAsync();
        await using var _ = api;
        var name = $"s-{Guid.NewGuid():N}"[..14];

        var (badCron, cron) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", Body(notebook, container, cron: "61 * * * *"));
        var (badZone, zone) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", Body(notebook, container, timeZone: "Mars/Olympus"));
        var (badParameter, parameter) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", Body(notebook, container, parameters: new { lable = "x" }));
        var (created, schedule) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", Body(notebook, container, cron: "30 6 * * 1-5"));
        var (replaced, _) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", Body(notebook, container, cron: "30 7 * * 1-5"));

        Assert.Equal(HttpStatusCode.BadRequest, badCron.StatusCode);
        Assert.Equal("cron", cron["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badZone.StatusCode);
        Assert.Equal("timeZone", zone["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badParameter.StatusCode);
        Assert.Equal("lable", parameter["parameters"]![0]!["parameter"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var next = schedule["next"]!.GetValue<DateTimeOffset>();
        Assert.Equal(6, TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).Hour);

        var (_, list) = await api.SendAsync(HttpMethod.Get, "/api/schedules");
        var listed = list["schedules"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!;
        Assert.Equal("30 7 * * 1-5", listed["cron"]!.GetValue<string>());

        var (deleted, _) = await api.SendAsync(HttpMethod.Delete, $"/api/schedules/{name}");
        var (gone, _) = await api.SendAsync(HttpMethod.Delete, $"/api/schedules/{name}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Each_occurrence_starts_one_run_however_often_the_timer_fires_and_downtime_collapses_to_one_run()
    {
        var (api, notebook, container) = await SetUpAsync();
        await using var _ = api;
        var name = $"m-{Guid.NewGuid():N}"[..14];
        var (created, _) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", Body(notebook, container));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var ticker = new ScheduleTicker(ApiHarness.Blobs);
        var utc = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero).AddMinutes(3);

        // Two hosts (or a timer firing twice) ticking in the same minute, at once.
        var first = await Task.WhenAll(ticker.TickAsync(api.Client, minute.AddSeconds(5), default), ticker.TickAsync(api.Client, minute.AddSeconds(35), default));
        // The host was down for ten minutes: one run for the latest occurrence, not ten.
        var afterDowntime = await ticker.TickAsync(api.Client, minute.AddMinutes(10).AddSeconds(5), default);
        var again = await ticker.TickAsync(api.Client, minute.AddMinutes(10).AddSeconds(40), default);

        var mine = first.SelectMany(t => t).Where(t => t.Schedule == name).ToList();
        Assert.Equal(1, mine.Count(t => t.Started));
        Assert.All(mine, t => Assert.Equal(mine[0].RunId, t.RunId));
        var resumed = Assert.Single(afterDowntime, t => t.Schedule == name);
        Assert.True(resumed.Started);
        Assert.NotEqual(mine[0].RunId, resumed.RunId);
        Assert.DoesNotContain(again, t => t.Schedule == name);
        var run = await api.WaitForRunAsync(resumed.RunId);
        Assert.Equal("Completed", run["status"]!.GetValue<string>());
        await api.SendAsync(HttpMethod.Delete, $"/api/schedules/{name}");
    }

    [Fact]
    public async Task A_schedule_can_start_a_pipeline_checked_like_a_run_of_it()
    {
        var (api, notebook, _) = await SetUpAsync();
        await using var _ = api;
        var pipeline = ApiHarness.NewName("pipe");
        var service = new Orchestration.Runs.RunService(ApiHarness.Blobs, api.Client);
        await service.PublishPipelineAsync(pipeline, System.Text.Json.Nodes.JsonNode.Parse(
            "{\"parameters\": {\"label\": \"daily\"}, \"steps\": {\"only\": {\"notebook\": \"" + notebook + "\", \"parameters\": {\"label\": \"${label}\"}}}}"), null, default);
        var name = $"p-{Guid.NewGuid():N}"[..14];

        var (both, bothProblem) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", new { cron = "* * * * *", run = new { notebook }, pipeline = new { pipeline } });
        var (badValue, badValueProblem) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", new { cron = "* * * * *", pipeline = new { pipeline, parameters = new { label = 3 } } });
        var (unknown, unknownProblem) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", new { cron = "* * * * *", pipeline = new { pipeline = "no-such-pipeline" } });
        var (created, _) = await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", new { cron = "* * * * *", pipeline = new { pipeline, parameters = new { label = "scheduled" } } });
        var utc = DateTimeOffset.UtcNow;
        var minute = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero).AddMinutes(3);
        var ticks = await new ScheduleTicker(ApiHarness.Blobs).TickAsync(api.Client, minute.AddSeconds(5), default);

        Assert.Equal((HttpStatusCode.BadRequest, "pipeline"), (both.StatusCode, bothProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "pipeline.parameters.label"), (badValue.StatusCode, badValueProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.NotFound, "pipeline.pipeline"), (unknown.StatusCode, unknownProblem["field"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tick = Assert.Single(ticks, t => t.Schedule == name);
        Assert.True(tick.Started, tick.Error);
        Assert.StartsWith($"{pipeline}-sched-{name}-", tick.RunId, StringComparison.Ordinal);
        var run = await api.WaitForRunAsync(tick.RunId);
        Assert.Equal("Completed", run["status"]!.GetValue<string>());
        Assert.Equal(pipeline, run["pipeline"]!.GetValue<string>());
        Assert.Equal("Completed", run["steps"]![0]!["status"]!.GetValue<string>());
        await api.SendAsync(HttpMethod.Delete, $"/api/schedules/{name}");
    }

    [Fact]
    public async Task An_occurrence_that_cannot_start_is_reported_once_not_every_minute()
    {
        var (api, notebook, container) = await SetUpAsync();
        await using var _ = api;
        var name = $"x-{Guid.NewGuid():N}"[..14];
        await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", Body(notebook, container, cron: "0 3 * * *", timeZone: "UTC"));
        // The input goes away after the schedule was accepted.
        await ApiHarness.Blobs.GetBlobContainerClient(container).DeleteAsync();
        var ticker = new ScheduleTicker(ApiHarness.Blobs);
        var now = DateTimeOffset.UtcNow;
        var afterThree = new DateTimeOffset(now.Year, now.Month, now.Day, 3, 0, 0, TimeSpan.Zero).AddDays(1).AddMinutes(1);

        var first = await ticker.TickAsync(api.Client, afterThree, default);
        var later = await ticker.TickAsync(api.Client, afterThree.AddMinutes(1), default);

        var failure = Assert.Single(first, t => t.Schedule == name);
        Assert.False(failure.Started);
        Assert.Contains($"input container '{container}' does not exist", failure.Error);
        Assert.DoesNotContain(later, t => t.Schedule == name);
        await api.SendAsync(HttpMethod.Delete, $"/api/schedules/{name}");
    }

    [Fact]
    public async Task An_occurrence_another_task_hub_claimed_first_is_left_to_it_and_not_reported_as_an_error()
    {
        var (api, notebook, container) = await SetUpAsync();
        await using var _ = api;
        var name = $"h-{Guid.NewGuid():N}"[..14];
        await api.SendAsync(HttpMethod.Put, $"/api/schedules/{name}", Body(notebook, container, cron: "0 3 * * *", timeZone: "UTC"));
        var now = DateTimeOffset.UtcNow;
        var three = new DateTimeOffset(now.Year, now.Month, now.Day, 3, 0, 0, TimeSpan.Zero).AddDays(1);
        var runId = Orchestration.Runs.RunIds.ForSchedule(notebook, name, three);
        // Another backend on the same account (task hub A: the deployed app, say) ticked first; its run may still be queued.
        var claims = new Orchestration.Runs.RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero, taskHub: "hubA");
        Assert.True((await claims.TryClaimAsync(runId, () => Task.FromResult(false), default)).Won);
        var ticker = new ScheduleTicker(ApiHarness.Blobs, taskHub: "hubB");

        var first = await ticker.TickAsync(api.Client, three.AddMinutes(1), default);
        var later = await ticker.TickAsync(api.Client, three.AddMinutes(2), default);

        var tick = Assert.Single(first, t => t.Schedule == name);
        Assert.Equal((runId, false, null, "hubA"), (tick.RunId, tick.Started, tick.Error, tick.OtherTaskHub));
        Assert.Equal("is run by task hub 'hubA', which claimed it first", tick.Outcome);
        Assert.DoesNotContain(later, t => t.Schedule == name);
        Assert.Null(await api.Client.GetInstanceAsync(runId));
        await api.SendAsync(HttpMethod.Delete, $"/api/schedules/{name}");
    }

    [Fact]
    public async Task Occurrences_follow_the_time_zone_and_nothing_before_the_schedule_was_written_runs()
    {
        var schedule = new Schedule
        {
            Name = "tz",
            Cron = "0 2 * * *",
            TimeZone = "Europe/Paris",
            Run = new Orchestration.Runs.RunSubmission(),
            Updated = new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero),
        };

        // 02:00 Paris is 01:00 UTC in winter, 00:00 UTC in summer; on 29 March 2026 02:00 does not exist (clocks jump to 03:00).
        Assert.Null(schedule.LatestDue(schedule.Updated, new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero)));
        var due = schedule.LatestDue(schedule.Updated, new DateTimeOffset(2026, 3, 30, 6, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.Zero), due!.Value.ToUniversalTime());
    }
}
