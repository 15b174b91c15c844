using System.Text.Json.Nodes;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>
/// The body of a notification in its format: a CloudEvents 1.0 event (structured mode), a Slack incoming-webhook
/// message, or a Teams Workflows message with an Adaptive Card. Every format carries the event id; none carries a
/// secret (the caller masks the serialized text with the run's secret values).
/// </summary>
public static class NotificationBodies
{
    public const string CloudEventsContentType = "application/cloudevents+json";

    public static (JsonObject Body, string ContentType) Build(NotificationFormat format, string eventId, RunNotice notice) => format switch
    {
        NotificationFormat.Slack => (Slack(eventId, notice), "application/json"),
        NotificationFormat.Teams => (Teams(eventId, notice), "application/json"),
        _ => (CloudEvent(eventId, notice), CloudEventsContentType),
    };

    /// <summary>The event's data: what a program receiving it needs to act without calling back.</summary>
    public static JsonObject Data(RunNotice notice)
    {
        var (run, manifest, ui) = NotificationEvents.LinksOf(notice.RunId);
        return new JsonObject
        {
            ["runId"] = notice.RunId,
            ["kind"] = notice.Kind,
            [notice.Kind == "pipeline" ? "pipeline" : "notebook"] = notice.Name,
            ["version"] = notice.Version,
            ["status"] = notice.Status.ToString(),
            ["startedAt"] = DateTime.SpecifyKind(notice.StartedAt, DateTimeKind.Utc).ToString("O"),
            ["endedAt"] = DateTime.SpecifyKind(notice.EndedAt, DateTimeKind.Utc).ToString("O"),
            ["error"] = notice.Error,
            ["repairOf"] = notice.RepairOf,
            ["chunks"] = new JsonObject { ["total"] = notice.Chunks, ["succeeded"] = notice.SucceededChunks, ["failed"] = notice.FailedChunks },
            ["failedChunks"] = new JsonArray(notice.FailedChunkList.Select(c => (JsonNode?)new JsonObject
            {
                ["index"] = c.Index,
                ["attempts"] = c.Attempts,
                ["kind"] = c.Error?.Kind,
                ["cell"] = c.Error?.CellIndex,
                ["cellId"] = c.Error?.CellId,
                ["executionCount"] = c.Error?.ExecutionCount,
                ["exceptionName"] = c.Error?.EName,
                ["exceptionValue"] = c.Error?.EValue,
            }).ToArray()),
            ["failedSteps"] = notice.Kind == "pipeline"
                ? new JsonArray(notice.FailedSteps.Select(s => (JsonNode?)new JsonObject { ["name"] = s.Name, ["status"] = s.Status, ["error"] = s.Error }).ToArray())
                : null,
            ["links"] = new JsonObject { ["run"] = run, ["manifest"] = manifest, ["ui"] = ui },
        };
    }

    private static JsonObject CloudEvent(string eventId, RunNotice notice) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = eventId,
        ["source"] = NotificationEvents.SourceOf(notice),
        ["type"] = NotificationEvents.TypeOf(notice),
        ["subject"] = notice.Name,
        ["time"] = DateTime.SpecifyKind(notice.EndedAt, DateTimeKind.Utc).ToString("O"),
        ["datacontenttype"] = "application/json",
        ["data"] = Data(notice),
    };

    /// <summary>One line a person reads first: "Run sales-2026... of sales-analysis failed: 2 of 13 chunks failed".</summary>
    public static string Headline(RunNotice notice)
    {
        var what = notice.Kind == "pipeline" ? "Pipeline run" : "Run";
        var state = notice.Status switch
        {
            RunStatus.Completed => "completed",
            RunStatus.CompletedWithFailures => "completed with failures",
            _ => "failed",
        };
        var counts = notice.Kind == "pipeline" ? string.Empty : $" ({notice.FailedChunks} of {notice.Chunks} chunks failed)";
        return $"{what} {notice.RunId} of {notice.Name} {state}{(notice.Status == RunStatus.Completed ? string.Empty : counts)}";
    }

    /// <summary>Each failure as a line: "chunk 3: ValueError in cell 2 (id 'c2'), In [3]: bad row".</summary>
    private static IEnumerable<string> FailureLines(RunNotice notice) =>
        notice.FailedChunkList.Select(c => $"chunk {c.Index}: {c.Error?.ToString() ?? "failed"}")
            .Concat(notice.FailedSteps.Select(s => $"step {s.Name} {s.Status.ToLowerInvariant()}{(s.Error is null ? string.Empty : $": {s.Error}")}"));

    private static JsonObject Slack(string eventId, RunNotice notice)
    {
        var (_, _, ui) = NotificationEvents.LinksOf(notice.RunId);
        var headline = Headline(notice);
        var failures = FailureLines(notice).Select(line => $"• {SlackEscape(Shorten(line, 300))}").ToList();
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Shorten(headline, 150) } },
            new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray(
                    Field("Notebook", notice.Kind == "pipeline" ? $"pipeline {notice.Name}" : notice.Name),
                    Field("Version", notice.Version.Length > 12 ? notice.Version[..12] : notice.Version),
                    Field("Status", notice.Status.ToString()),
                    Field("Run", Uri.IsWellFormedUriString(ui, UriKind.Absolute) ? $"<{ui}|{SlackEscape(notice.RunId)}>" : SlackEscape(notice.RunId))),
            },
        };
        if (failures.Count > 0)
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Shorten(string.Join("\n", failures), 2900) } });
        blocks.Add(new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = $"event {eventId}" }) });
        return new JsonObject { ["text"] = SlackEscape(headline), ["blocks"] = blocks };

        static JsonObject Field(string name, string value) => new() { ["type"] = "mrkdwn", ["text"] = $"*{name}*\n{(value.StartsWith('<') ? value : SlackEscape(value))}" };
    }

    private static JsonObject Teams(string eventId, RunNotice notice)
    {
        var (_, _, ui) = NotificationEvents.LinksOf(notice.RunId);
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = Headline(notice), ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
            new JsonObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JsonArray(
                    Fact(notice.Kind == "pipeline" ? "Pipeline" : "Notebook", notice.Name),
                    Fact("Version", notice.Version.Length > 12 ? notice.Version[..12] : notice.Version),
                    Fact("Status", notice.Status.ToString()),
                    Fact("Run", notice.RunId),
                    Fact("Event", eventId)),
            },
        };
        foreach (var line in FailureLines(notice)) body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = Shorten(line, 500), ["wrap"] = true, ["isSubtle"] = true });
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (Uri.IsWellFormedUriString(ui, UriKind.Absolute))
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open the run", ["url"] = ui });
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["contentUrl"] = null, ["content"] = card }),
        };

        static JsonObject Fact(string title, string value) => new() { ["title"] = title, ["value"] = value };
    }

    /// <summary>Slack reads &amp;, &lt; and &gt; as markup (links, mentions): user text is escaped so an exception value cannot make one.</summary>
    private static string SlackEscape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
