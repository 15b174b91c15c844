using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Api.Web;

/// <summary>
/// A whole HTML page around <see cref="NotebookHtml"/>, served with a Content-Security-Policy that allows no script at
/// all, images only as data URIs, and only this page's own stylesheet (inline, allowed by its hash): whatever a
/// notebook's outputs hold, the browser runs nothing of it. Folding code needs no script (details/summary).
/// </summary>
public static class NotebookPage
{
    private static readonly string Css = ReadCss();

    /// <summary>The page's policy; the stylesheet is allowed by its SHA-256, so no 'unsafe-inline' is needed.</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Css)))}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The page; <paramref name="back"/> is the web app's page of the run, linked from the header (none when null).</summary>
    public static string Render(string title, string subtitle, Notebook notebook, bool showCode, string? back = null) =>
        $"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)}</title>
        <style>{Css}</style>
        </head>
        <body>
        <header><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(subtitle)}</p>
        <nav class="nb-links">{(back is null ? string.Empty : $"<a href=\"{WebUtility.HtmlEncode(back)}\">Back to the run</a> · ")}<a href="{(showCode ? "?" : "?code=show")}">{(showCode ? "Fold the code" : "Show all code")}</a></nav></header>
        <main>
        {new NotebookHtml().Render(notebook, showCode)}</main>
        </body>
        </html>
        """;

    /// <summary>The headers every page of the web app gets: its policy, no framing, no referrer leaving it (and, as every response, no sniffing: <see cref="ResponseHeaders"/>).</summary>
    /// <param name="response">The page's response.</param>
    /// <param name="policy">Its Content-Security-Policy: this page's (no script at all) unless another page of the app gives its own.</param>
    public static void SecureHeaders(HttpResponse response, string? policy = null)
    {
        response.Headers.ContentSecurityPolicy = policy ?? ContentSecurityPolicy;
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static string ReadCss()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("NotebookFunctions.Api.Web.notebook.css")
            ?? throw new InvalidOperationException("the notebook page's stylesheet is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
