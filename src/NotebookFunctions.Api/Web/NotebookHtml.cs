using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ganss.Xss;
using Markdig;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Api.Web;

/// <summary>
/// An executed notebook as HTML, rendered on the server for the web app: markdown through Markdig (CommonMark), HTML
/// outputs through HtmlSanitizer, images as data URIs (an SVG shown as an image runs no script), streams and
/// tracebacks with their ANSI colours, and the failing cell marked and linked from a banner at the top. Nothing a
/// notebook holds reaches the page unescaped or unsanitised: outputs are the notebook author's, readers are others.
/// </summary>
public sealed partial class NotebookHtml
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().UseEmphasisExtras().Build();

    /// <summary>Richest first: what Jupyter shows when an output offers several forms.</summary>
    private static readonly string[] MimeOrder = ["text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown", "application/json", "text/plain"];

    private readonly HtmlSanitizer _sanitizer = Sanitizer();

    [GeneratedRegex("^[A-Za-z0-9+/=\\s]*$")]
    private static partial Regex Base64Text();

    /// <param name="notebook">The executed notebook.</param>
    /// <param name="showCode">Whether code starts shown (a toggle either way); readers get outputs first.</param>
    public string Render(Notebook notebook, bool showCode)
    {
        var html = new StringBuilder("<article class=\"nb\">\n");
        // The papermill-style banner cells the engine adds around a failure are left out (this page has its own
        // banner), so cells are numbered as the run numbers them: "cell 3" on the run page is #cell-3 here.
        var cells = notebook.Cells.Where(c => !c.HasTag(Core.Execution.ErrorBanner.Tag)).ToList();
        var failing = cells.FindIndex(c => c.IsCode && c.Outputs.Any(o => OutputType(o) == "error"));
        if (failing >= 0) html.Append(Banner(cells[failing], failing));
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            switch (cell.CellType)
            {
                case "markdown":
                    html.Append($"<section class=\"nb-cell nb-markdown\" id=\"cell-{i}\">").Append(MarkdownHtml(cell.Source)).Append("</section>\n");
                    break;
                case "code":
                    html.Append(CodeCell(cell, i, failing == i, showCode));
                    break;
                default:
                    // Raw cells are for converters, not readers.
                    break;
            }
        }

        return html.Append("</article>\n").ToString();
    }

    private static string Banner(Cell cell, int index)
    {
        var error = cell.Outputs.First(o => OutputType(o) == "error")!;
        var where = $"{cell.Describe(index)}{(cell.ExecutionCount is { } n ? $", In [{n}]" : string.Empty)}";
        return $"<div class=\"nb-error-banner\" role=\"alert\">Execution failed in <a href=\"#cell-{index}\">{WebUtility.HtmlEncode(where)}</a>: "
            + $"{WebUtility.HtmlEncode(Text(error["ename"]))}: {WebUtility.HtmlEncode(Text(error["evalue"]))}</div>\n";
    }

    private string CodeCell(Cell cell, int index, bool failed, bool showCode)
    {
        var prompt = cell.ExecutionCount is { } n ? $"In [{n}]" : "In [ ]";
        var html = new StringBuilder($"<section class=\"nb-cell nb-code{(failed ? " nb-failed" : string.Empty)}\" id=\"cell-{index}\">");
        html.Append($"<details class=\"nb-source\"{(showCode || failed ? " open" : string.Empty)}><summary>{prompt}</summary>")
            .Append("<pre><code>").Append(WebUtility.HtmlEncode(cell.Source)).Append("</code></pre></details>");
        html.Append("<div class=\"nb-outputs\">");
        foreach (var output in cell.Outputs.OfType<JsonObject>()) html.Append(Output(output));
        return html.Append("</div></section>\n").ToString();
    }

    private string Output(JsonObject output) => OutputType(output) switch
    {
        "stream" => $"<pre class=\"nb-stream nb-{(Text(output["name"]) == "stderr" ? "stderr" : "stdout")}\">{AnsiHtml.Convert(TextLines.Join(output["text"]))}</pre>",
        "error" => $"<pre class=\"nb-traceback\">{AnsiHtml.Convert(string.Join('\n', (output["traceback"] as JsonArray ?? []).Select(Text)))}</pre>",
        "execute_result" or "display_data" => Rich(output["data"] as JsonObject ?? []),
        _ => string.Empty,
    };

    /// <summary>The richest form of a display the page can show safely; scraps and widgets (no visible form) show nothing.</summary>
    private string Rich(JsonObject data)
    {
        foreach (var mime in MimeOrder)
        {
            if (data[mime] is not { } value) continue;
            var text = TextLines.Join(value);
            switch (mime)
            {
                case "text/html":
                    return $"<div class=\"nb-html\">{_sanitizer.Sanitize(text)}</div>";
                case "image/svg+xml":
                    return Image("image/svg+xml", Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));
                case "image/png" or "image/jpeg":
                    return Base64Text().IsMatch(text) ? Image(mime, new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray())) : string.Empty;
                case "text/markdown":
                    return $"<div class=\"nb-markdown-output\">{MarkdownHtml(text)}</div>";
                case "application/json":
                    return $"<pre class=\"nb-json\">{WebUtility.HtmlEncode(value is JsonValue ? text : value.ToJsonString(new JsonSerializerOptions { WriteIndented = true }))}</pre>";
                default:
                    return $"<pre class=\"nb-text\">{AnsiHtml.Convert(text)}</pre>";
            }
        }

        return string.Empty;
    }

    /// <summary>The sanitizer's defaults, and class names kept: pandas styles its tables by them, and a class runs nothing.</summary>
    private static HtmlSanitizer Sanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedAttributes.Add("class");
        return sanitizer;
    }

    private static string Image(string mime, string base64) => $"<img class=\"nb-image\" alt=\"output image\" src=\"data:{mime};base64,{base64}\">";

    private string MarkdownHtml(string source) => _sanitizer.Sanitize(Markdig.Markdown.ToHtml(source, Pipeline));

    private static string? OutputType(JsonNode? output) => Text(output?["output_type"]);

    private static string Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? string.Empty;
}
