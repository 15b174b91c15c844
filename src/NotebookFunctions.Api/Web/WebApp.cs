using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace NotebookFunctions.Api.Web;

/// <summary>
/// The web app for people who run notebooks: one HTML page, one script, one stylesheet, embedded in this assembly
/// and served by the backend itself (nbf serve, and the Functions app at /app/). Asset URLs carry the hash of their
/// content, so a deploy never mixes an old script with a new page and browsers may cache them for good. The page's
/// policy allows scripts, styles and connections to this origin only: nothing inline, nothing from a CDN.
/// </summary>
public static class WebApp
{
    /// <summary>Where the app lives on either host.</summary>
    public const string Root = "/app/";

    public static readonly string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly Dictionary<string, Asset> Assets = new[] { ("app.js", "text/javascript; charset=utf-8"), ("app.css", "text/css; charset=utf-8") }
        .ToDictionary(a => a.Item1, a => Asset.Load(a.Item1, a.Item2), StringComparer.Ordinal);

    private static readonly byte[] Page = Encoding.UTF8.GetBytes(Asset.ReadText("index.html")
        .Replace("{{app.css}}", $"{Root}assets/app.css?v={Assets["app.css"].Version}", StringComparison.Ordinal)
        .Replace("{{app.js}}", $"{Root}assets/app.js?v={Assets["app.js"].Version}", StringComparison.Ordinal));

    /// <summary>The sizes of what a first visit downloads (the page and its assets), for the benchmark.</summary>
    public static IReadOnlyDictionary<string, int> Sizes => Assets.ToDictionary(a => a.Key, a => a.Value.Bytes.Length).Append(new("index.html", Page.Length)).ToDictionary();

    /// <summary>The assets' sizes as served to a browser that accepts gzip.</summary>
    public static IReadOnlyDictionary<string, int> GzippedSizes => Assets.ToDictionary(a => a.Key, a => a.Value.Gzipped.Length);

    /// <summary>GET /app/{path}: the page for "" (every view is a #route of it), an asset under assets/, else 404.</summary>
    public static IResult Serve(HttpContext context, string? path)
    {
        var response = context.Response;
        path ??= string.Empty;
        if (path.Length == 0 || path == "index.html")
        {
            NotebookPage.SecureHeaders(response, ContentSecurityPolicy);
            response.Headers.CacheControl = "no-cache";
            CsrfGuard.EnsureCookie(context);
            return Results.Bytes(Page, "text/html; charset=utf-8");
        }

        if (path.StartsWith("assets/", StringComparison.Ordinal) && Assets.TryGetValue(path["assets/".Length..], out var asset))
        {
            // Immutable only when asked by the current hash; an old or missing hash gets the current bytes, briefly cached.
            response.Headers.CacheControl = context.Request.Query["v"] == asset.Version ? "public, max-age=31536000, immutable" : "no-cache";
            response.Headers.Vary = "Accept-Encoding";
            if (!AcceptsGzip(context.Request)) return Results.Bytes(asset.Bytes, asset.ContentType);
            // Compressed once, when the assembly loaded: a first visit downloads about a quarter of the bytes.
            response.Headers.ContentEncoding = "gzip";
            return Results.Bytes(asset.Gzipped, asset.ContentType);
        }

        return ApiProblems.Problem(404, "Not Found", $"the web app has no file '{path}'; open {Root}");
    }

    /// <summary>Whether the request's Accept-Encoding lists gzip (without q=0).</summary>
    private static bool AcceptsGzip(HttpRequest request) =>
        request.Headers.AcceptEncoding.SelectMany(v => (v ?? string.Empty).Split(','))
            .Select(e => e.Split(';', StringSplitOptions.TrimEntries))
            .Any(e => string.Equals(e[0], "gzip", StringComparison.OrdinalIgnoreCase) && !e.Skip(1).Any(p => p.Replace(" ", string.Empty, StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000"));

    private sealed record Asset(byte[] Bytes, byte[] Gzipped, string ContentType, string Version)
    {
        public static Asset Load(string name, string contentType)
        {
            var bytes = Encoding.UTF8.GetBytes(ReadText(name));
            using var gzipped = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.SmallestSize)) gzip.Write(bytes);
            return new Asset(bytes, gzipped.ToArray(), contentType, Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
        }

        public static string ReadText(string name)
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"NotebookFunctions.Api.Web.app.{name}")
                ?? throw new InvalidOperationException($"the web app's {name} is not embedded");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }
}
