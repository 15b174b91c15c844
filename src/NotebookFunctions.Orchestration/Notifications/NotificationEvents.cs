using System.Security.Cryptography;
using System.Text;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>The identity and addresses of a notification event: the same on every attempt and every host.</summary>
public static class NotificationEvents
{
    /// <summary>
    /// The event's id, derived from the run, its terminal state and the notification's place in the list: a delivery
    /// re-executed after a host died sends the same id, so a receiver can drop the duplicate.
    /// </summary>
    public static string IdFor(string runId, RunStatus status, int index) =>
        "nbf_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{runId}\n{status}\n{index}")))[..32];

    /// <summary>"io.notebookfunctions.run.failed", "io.notebookfunctions.pipeline.completedWithFailures", ...</summary>
    public static string TypeOf(RunNotice notice) => $"io.notebookfunctions.{notice.Kind}.{NotificationRules.NameOf(notice.Status)}";

    /// <summary>A URI reference naming the run: stable whichever host sends.</summary>
    public static string SourceOf(RunNotice notice) => $"/notebook-functions/runs/{Uri.EscapeDataString(notice.RunId)}";

    /// <summary>
    /// Where a person finds the run: absolute under the backend's public address when it is known (NBF_PUBLIC_URL, or
    /// the App Service host name), else relative to it.
    /// </summary>
    public static (string Run, string Manifest, string Ui) LinksOf(string runId)
    {
        var configured = Environment.GetEnvironmentVariable("NBF_PUBLIC_URL");
        var host = Environment.GetEnvironmentVariable("WEBSITE_HOSTNAME");
        var root = !string.IsNullOrWhiteSpace(configured) ? configured.TrimEnd('/')
            : !string.IsNullOrWhiteSpace(host) ? $"https://{host}"
            : string.Empty;
        var id = Uri.EscapeDataString(runId);
        return ($"{root}/api/runs/{id}", $"{root}/api/runs/{id}/files/manifest.json", $"{root}/app/#/runs/{id}");
    }

    /// <summary>A URL shown in results and logs: scheme and authority only (a webhook URL's path or query is often its key).</summary>
    public static string Shown(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "(invalid url)";
}
