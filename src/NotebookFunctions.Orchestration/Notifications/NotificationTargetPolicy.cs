namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>
/// Where this host lets notifications go. A Runner names the URL, and the backend's own network is on the other side
/// of it (the instance metadata endpoint, storage emulators, internal services), so private, loopback and link-local
/// targets are refused unless the operator allows them; in Azure the URL must be https.
/// </summary>
/// <param name="AllowPrivate">Loopback, private, link-local and other non-public addresses may be targets (NBF_NOTIFY_ALLOW_PRIVATE=true).</param>
/// <param name="RequireHttps">Only https URLs (on an App Service instance: WEBSITE_INSTANCE_ID is set there).</param>
public sealed record NotificationTargetPolicy(bool AllowPrivate, bool RequireHttps)
{
    /// <summary>The host setting that allows non-public targets: for a receiver on this machine or in the backend's own network.</summary>
    public const string AllowPrivateSetting = "NBF_NOTIFY_ALLOW_PRIVATE";

    /// <summary>The policy of this process, read from its environment (the Functions app's settings are environment variables too).</summary>
    public static NotificationTargetPolicy FromEnvironment() => new(
        AllowPrivate: Environment.GetEnvironmentVariable(AllowPrivateSetting)?.Trim().ToLowerInvariant() is "true" or "1",
        RequireHttps: !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID")));
}
