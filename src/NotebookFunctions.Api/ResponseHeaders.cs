using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace NotebookFunctions.Api;

/// <summary>
/// Headers for what the API serves, on both hosts. The web app shares the API's origin, so a response whose bytes a
/// notebook wrote (a run's result file, an executed notebook) must never become script or a page of that origin.
/// </summary>
public static class ResponseHeaders
{
    /// <summary>The policy of a download: nothing loads, and opened in a tab it is a sandboxed page of an opaque origin.</summary>
    public const string DownloadPolicy = "default-src 'none'; sandbox";

    /// <summary>
    /// What every response gets, before anything writes it: no MIME sniffing, so a browser never takes a text/csv or
    /// JSON body a notebook wrote for a script (&lt;script src&gt;) or a stylesheet of the app's origin.
    /// </summary>
    public static void ForEveryResponse(HttpResponse response) => response.Headers.XContentTypeOptions = "nosniff";

    /// <summary>The ASP.NET Core host (nbf serve): <see cref="ForEveryResponse"/> on every request, refusals included.</summary>
    public static void UseResponseHeaders(this WebApplication app) => app.Use((context, next) =>
    {
        ForEveryResponse(context.Response);
        return next(context);
    });

    /// <summary>
    /// A file a notebook wrote, served as a download: saved rather than shown, and if opened anyway (a .html or .svg
    /// result), sandboxed by its policy, so its script cannot act as the signed-in user in the app's origin.
    /// </summary>
    public static void AsDownload(HttpResponse response, string fileName)
    {
        response.Headers.ContentSecurityPolicy = DownloadPolicy;
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName, FileName = AsciiName(fileName) }.ToString();
    }

    /// <summary>The quoted filename for clients that ignore filename*: the name with anything outside printable ASCII (and quotes) made '_'.</summary>
    private static string AsciiName(string fileName) =>
        new(fileName.Select(c => c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '_').ToArray());
}
