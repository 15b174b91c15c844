using System.Net.Sockets;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>
/// The one rule for a notify list, whoever names it (a run request, a schedule's run, a pipeline run): at most
/// <see cref="MaxNotifications"/>, each an absolute http(s) URL without credentials (https in Azure), a non-empty set
/// of terminal states, a known format and a well-formed secret name. <see cref="CheckTargetsAsync"/> then resolves every
/// host and refuses non-public addresses (unless the host allows them) and secrets no source knows. Refusals name the
/// field as the caller wrote it: notify[0].url.
/// </summary>
public static class NotificationRules
{
    public const int MaxNotifications = 10;

    public const int MaxUrlLength = 2048;

    /// <summary>The terminal states a notification can be sent on, as a request writes them.</summary>
    public static readonly IReadOnlyDictionary<string, RunStatus> States = new Dictionary<string, RunStatus>(StringComparer.OrdinalIgnoreCase)
    {
        ["failed"] = RunStatus.Failed,
        ["completedWithFailures"] = RunStatus.CompletedWithFailures,
        ["completed"] = RunStatus.Completed,
    };

    /// <summary>A state's name as a request and an event type write it (camelCase).</summary>
    public static string NameOf(RunStatus status) => States.First(s => s.Value == status).Key;

    /// <summary>The checks that need neither the network nor the secret sources; the checked list (empty when none).</summary>
    /// <param name="submissions">The list as asked.</param>
    /// <param name="policy">This host's target policy (https in Azure; private targets).</param>
    /// <param name="field">The list's JSON name where the caller wrote it.</param>
    public static IReadOnlyList<Notification> Shape(IReadOnlyList<NotificationSubmission?>? submissions, NotificationTargetPolicy policy, string field = "notify")
    {
        if (submissions is null) return [];
        if (submissions.Count > MaxNotifications)
            throw RunRefusalException.Invalid($"'{field}' names {submissions.Count} notifications; at most {MaxNotifications}", field);
        var checkedList = new List<Notification>();
        for (var i = 0; i < submissions.Count; i++)
        {
            var at = $"{field}[{i}]";
            var submission = submissions[i] ?? throw RunRefusalException.Invalid($"'{at}' is null; a notification is an object {{\"url\", \"on\", \"format\", \"secret\"}}", at);
            if (submission.Url is not null && submission.UrlSecret is not null)
                throw RunRefusalException.Invalid($"'{at}' gives both 'url' and 'urlSecret'; give one: the URL, or the name of the secret holding it", at);
            checkedList.Add(new Notification
            {
                Url = submission.UrlSecret is null ? CheckUrl(submission.Url, policy, $"{at}.url") : null,
                UrlSecret = submission.UrlSecret is null ? null : CheckSecretName(submission.UrlSecret, $"{at}.urlSecret"),
                On = CheckStates(submission.On, $"{at}.on"),
                Format = submission.Format?.ToLowerInvariant() switch
                {
                    null or "cloudevents" => NotificationFormat.CloudEvents,
                    "slack" => NotificationFormat.Slack,
                    "teams" => NotificationFormat.Teams,
                    var other => throw RunRefusalException.Invalid($"'{at}.format' is '{other}'; use 'cloudevents', 'slack' or 'teams'", $"{at}.format"),
                },
                Secret = submission.Secret is null ? null : CheckSecretName(submission.Secret, $"{at}.secret"),
            });
        }

        return checkedList;
    }

    /// <summary>
    /// The checks that need the network and the secret sources, before anything is stored: every target's host resolves
    /// now to addresses the policy allows, and (where this host sees the sources) every named secret resolves.
    /// </summary>
    public static async Task CheckTargetsAsync(IReadOnlyList<Notification> notifications, NotificationTargetPolicy policy, ISecretSource? secrets, CancellationToken cancellationToken, string field = "notify")
    {
        for (var i = 0; i < notifications.Count; i++)
        {
            var at = $"{field}[{i}]";
            var (url, urlField) = (notifications[i].Url, $"{at}.url");
            if (notifications[i].UrlSecret is { } urlSecret)
            {
                // Where this host cannot see the secret sources, the delivery checks the URL when it resolves it.
                if (secrets is null) continue;
                urlField = $"{at}.urlSecret";
                var value = await secrets.GetAsync(urlSecret, cancellationToken)
                    ?? throw RunRefusalException.Invalid($"'{urlField}': secret '{urlSecret}' was not found in any configured secret source", urlField);
                url = CheckUrl(value.Trim(), policy, urlField, quoted: false);
            }

            var uri = new Uri(url!);
            System.Net.IPAddress[] addresses;
            try
            {
                addresses = await TargetAddresses.ResolveAsync(uri.IdnHost, cancellationToken);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw RunRefusalException.Invalid($"'{urlField}': host '{uri.IdnHost}' does not resolve ({e.Message})", urlField);
            }

            if (addresses.Length == 0) throw RunRefusalException.Invalid($"'{urlField}': host '{uri.IdnHost}' resolves to no address", urlField);
            if (TargetAddresses.FirstRefused(addresses, policy) is { } refused) throw Refused(urlField, uri, refused.Address, refused.Why);
            if (secrets is not null && notifications[i].Secret is { } name && await secrets.GetAsync(name, cancellationToken) is null)
                throw RunRefusalException.Invalid($"'{at}.secret': secret '{name}' was not found in any configured secret source", $"{at}.secret");
        }
    }

    private static RunRefusalException Refused(string field, Uri uri, System.Net.IPAddress address, string why) => RunRefusalException.Invalid(
        $"'{field}' targets {(uri.HostNameType is UriHostNameType.Dns ? $"'{uri.IdnHost}', which resolves to {address}, " : $"{address}, ")}{why}; notifications go to public addresses only " +
        $"(the host setting {NotificationTargetPolicy.AllowPrivateSetting}=true allows others)", field);

    private static string CheckSecretName(string name, string field) =>
        SecretNames.IsValid(name) ? name : throw RunRefusalException.Invalid($"'{field}' must be the name of a secret: {SecretNames.Rule}", field);

    /// <summary>
    /// The URL's rules, wherever it comes from: the request, or a secret's value (then <paramref name="quoted"/> is false
    /// and no refusal repeats the value, which may be the webhook's key).
    /// </summary>
    public static string CheckUrl(string? url, NotificationTargetPolicy policy, string field, bool quoted = true)
    {
        if (string.IsNullOrWhiteSpace(url))
            throw RunRefusalException.Invalid(quoted ? $"'{field}' is required: the http(s) URL the notification is posted to (or 'urlSecret', the name of a secret holding it)" : $"'{field}' names an empty secret", field);
        if (url.Length > MaxUrlLength) throw RunRefusalException.Invalid($"'{field}' is {url.Length} characters; at most {MaxUrlLength}", field);
        if (url.Any(char.IsControl) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
            throw RunRefusalException.Invalid($"'{field}' is not an absolute URL such as https://hooks.example.com/notebooks", field);
        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            throw RunRefusalException.Invalid($"'{field}' is a {uri.Scheme}: URL; use https:// (or http:// outside Azure)", field);
        if (policy.RequireHttps && uri.Scheme != Uri.UriSchemeHttps)
            throw RunRefusalException.Invalid($"'{field}' must be an https:// URL on this backend (deliveries carry run details and a signature)", field);
        // Credentials in a URL end up in logs and histories: a receiver authenticates the signature instead.
        if (uri.UserInfo.Length > 0) throw RunRefusalException.Invalid($"'{field}' has credentials in it (user:password@); name a secret to sign deliveries instead", field);
        if (uri.IdnHost.Length == 0) throw RunRefusalException.Invalid($"'{field}' has no host", field);
        // IP literals (in any notation the URL parser accepts: 0x7f.1, 2130706433, [::ffff:127.0.0.1]) are refused here.
        if (System.Net.IPAddress.TryParse(uri.IdnHost, out var literal) && TargetAddresses.FirstRefused([literal], policy) is { } refused)
            throw Refused(field, uri, refused.Address, refused.Why);
        return uri.AbsoluteUri;
    }

    private static IReadOnlyList<RunStatus> CheckStates(List<string>? on, string field)
    {
        var known = string.Join("', '", States.Keys);
        if (on is not { Count: > 0 }) throw RunRefusalException.Invalid($"'{field}' is required: the terminal states that send the notification, some of '{known}'", field);
        var states = new List<RunStatus>();
        for (var i = 0; i < on.Count; i++)
        {
            if (on[i] is not { } name || !States.TryGetValue(name, out var state))
            {
                var nearest = on[i] is null ? null : Core.Notebooks.NearestName.To(on[i], States.Keys.ToList());
                throw RunRefusalException.Invalid($"'{field}[{i}]' is '{on[i]}'; use '{known}'{(nearest is null ? string.Empty : $" (did you mean '{nearest}'?)")}", $"{field}[{i}]");
            }

            if (states.Contains(state)) throw RunRefusalException.Invalid($"'{field}' names '{NameOf(state)}' twice", $"{field}[{i}]");
            states.Add(state);
        }

        return states;
    }
}
