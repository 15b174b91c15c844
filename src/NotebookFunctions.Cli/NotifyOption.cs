using NotebookFunctions.Orchestration.Notifications;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli;

/// <summary>
/// <c>--notify URL|urlSecret=NAME[,on=STATE+STATE][,format=F][,secret=NAME]</c>: one notification as nbf's command line writes it,
/// translated into the request's notify entry. Only the syntax is checked here; the run service's NotificationRules
/// checks the rest (states, format, URL, target addresses), so nbf and the API refuse alike.
/// </summary>
internal static class NotifyOption
{
    public const string Description =
        "Tell someone when the run ends (repeatable): URL or urlSecret=NAME (a secret holding the URL), then ,on=failed+completedWithFailures+completed[,format=cloudevents|slack|teams][,secret=NAME]. " +
        "'on' is required; a named secret signs each delivery (HMAC-SHA256, Standard Webhooks headers).";

    private static readonly string[] Keys = ["on", "format", "secret", "urlSecret"];

    public static List<NotificationSubmission?>? Parse(IReadOnlyList<string> specs)
    {
        if (specs.Count == 0) return null;
        return specs.Select((spec, i) => (NotificationSubmission?)ParseOne(spec, $"notify[{i}]")).ToList();
    }

    private static NotificationSubmission ParseOne(string spec, string field)
    {
        // The URL runs up to the first ",key=": a URL's own commas (rare in webhooks) stay in it.
        var parts = spec.Split(',');
        var urlParts = parts.TakeWhile(p => !Keys.Any(k => p.StartsWith(k + "=", StringComparison.OrdinalIgnoreCase)) && !LooksLikeKey(p)).Count();
        var submission = new NotificationSubmission { Url = urlParts == 0 ? null : string.Join(',', parts.Take(urlParts)) };
        foreach (var part in parts.Skip(urlParts))
        {
            var (key, value) = part.Split('=', 2) is [var k, var v] ? (k.Trim().ToLowerInvariant(), v.Trim()) : (part, string.Empty);
            submission = key switch
            {
                "on" => submission with { On = value.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() },
                "format" => submission with { Format = value },
                "secret" => submission with { Secret = value },
                "urlsecret" => submission with { UrlSecret = value },
                _ => throw RunRefusalException.Invalid(
                    $"--notify: unknown option '{key}'{(Core.Notebooks.NearestName.To(key, Keys) is { } nearest ? $"; did you mean '{nearest}'?" : string.Empty)} (URL or urlSecret=NAME, then on=..., format=..., secret=...)",
                    field),
            };
        }

        return submission;
    }

    /// <summary>"fromat=slack" after the URL is a misspelled option, not part of the URL.</summary>
    private static bool LooksLikeKey(string part) => part.Split('=', 2) is [var key, _] && key.Length is > 0 and < 12 && key.All(char.IsAsciiLetter);
}
