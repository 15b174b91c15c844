namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>
/// One notification as a caller names it, before it is checked: where to send (url), on which terminal states, in which
/// body format, and the name (never the value) of the secret that signs it. <see cref="NotificationRules"/> checks it.
/// </summary>
public sealed record NotificationSubmission
{
    public string? Url { get; init; }

    /// <summary>
    /// Instead of <see cref="Url"/>: the name of a secret whose value is the URL. For webhooks whose URL is their key
    /// (Slack's, Teams'), so the URL never travels through the run's history or records.
    /// </summary>
    public string? UrlSecret { get; init; }

    /// <summary>Terminal states that send it: "failed", "completedWithFailures", "completed".</summary>
    public List<string>? On { get; init; }

    /// <summary>"cloudevents" (default), "slack" or "teams".</summary>
    public string? Format { get; init; }

    /// <summary>The name of the secret whose value signs each delivery (HMAC-SHA256); unsigned when omitted.</summary>
    public string? Secret { get; init; }
}
