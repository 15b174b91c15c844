using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// Run (orchestration instance) ids. Every id starts with the notebook's name, so runs of a notebook are found by
/// prefix; ids derived from an idempotency key, a schedule occurrence or a blob's ETag are deterministic, so the same
/// trigger delivered twice finds the run it already started instead of starting another.
/// </summary>
public static partial class RunIds
{
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    private static partial System.Text.RegularExpressions.Regex Shape();

    /// <summary>
    /// Why a run id given by a caller cannot be one, or null when it can. Ids name blob prefixes (runs/{id}/) and
    /// durable instances, so only a plain shape is accepted: one path segment, never '.' or '..'.
    /// </summary>
    public static string? Problem(string id) =>
        Shape().IsMatch(id) ? null : $"run id '{id}' must be 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static string New(string notebook, DateTimeOffset now) =>
        $"{notebook}-{now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    public static string ForIdempotencyKey(string notebook, string key) => $"{notebook}-key-{Hash(key)}";

    public static string ForSchedule(string notebook, string schedule, DateTimeOffset occurrence) =>
        $"{notebook}-sched-{schedule}-{occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}";

    public static string ForBlob(string notebook, string blobName, string etag) => $"{notebook}-blob-{Hash(blobName + "\n" + etag)}";

    public static string ForRepair(string runId) => $"{runId}-repair";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..20];
}
