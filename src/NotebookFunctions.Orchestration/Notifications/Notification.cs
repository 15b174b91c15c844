using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>The body a notification is sent as.</summary>
public enum NotificationFormat
{
    /// <summary>A CloudEvents 1.0 event in structured mode (application/cloudevents+json).</summary>
    CloudEvents,

    /// <summary>A Slack incoming-webhook message (text and blocks).</summary>
    Slack,

    /// <summary>A Teams Workflows webhook message: an Adaptive Card in an attachments array.</summary>
    Teams,
}

/// <summary>
/// A checked notification. Travels through orchestration history (stored in plain tables), so it names its secret and
/// never holds the value, which the delivery activity resolves at the last moment.
/// </summary>
public sealed record Notification
{
    /// <summary>The target; null when <see cref="UrlSecret"/> names the secret holding it.</summary>
    public string? Url { get; init; }

    /// <summary>The name of the secret whose value is the target URL, resolved where it is checked and delivered.</summary>
    public string? UrlSecret { get; init; }

    public required IReadOnlyList<RunStatus> On { get; init; }

    public NotificationFormat Format { get; init; } = NotificationFormat.CloudEvents;

    /// <summary>How results and logs name the target: by scheme and host, or by the secret that holds it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Shown => UrlSecret is { } name ? $"the URL in secret '{name}'" : NotificationEvents.Shown(Url!);

    public string? Secret { get; init; }

    /// <summary>A text that is equal for equal notifications (the lists make record equality reference equality).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Identity => $"{Url}\n{UrlSecret}\n{string.Join(',', On)}\n{Format}\n{Secret}";
}
