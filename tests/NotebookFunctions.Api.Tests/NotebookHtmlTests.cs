using System.Text.Json.Nodes;
using NotebookFunctions.Api.Web;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Api.Tests;

/// <summary>The executed-notebook view: what reaches the page is rendered, sanitised or escaped, never a notebook's own script.</summary>
public sealed class NotebookHtmlTests
{
    private static Notebook Executed(params JsonObject[] cells) => NotebookReader.FromJson(new JsonObject
    {
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
        ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["display_name"] = "Python 3", ["language"] = "python" } },
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode)c).ToArray()),
    }, "executed.ipynb");

    private static JsonObject Markdown(string id, string source) => new() { ["cell_type"] = "markdown", ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = source };

    private static JsonObject Code(string id, string source, int count, params JsonObject[] outputs) => new()
    {
        ["cell_type"] = "code", ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = source, ["execution_count"] = count,
        ["outputs"] = new JsonArray(outputs.Select(o => (JsonNode)o).ToArray()),
    };

    private static JsonObject Display(string mime, string value) => new()
    {
        ["output_type"] = "display_data", ["metadata"] = new JsonObject(), ["data"] = new JsonObject { [mime] = value },
    };

    [Fact]
    public void Markdown_and_outputs_are_rendered_and_the_failing_cell_is_marked_and_linked()
    {
        var notebook = Executed(
            Markdown("intro", "# Sales\n\nTotals *per region*:\n\n| region | revenue |\n|---|---|\n| north | 1 |"),
            Code("table", "df", 1, new JsonObject
            {
                ["output_type"] = "execute_result", ["execution_count"] = 1, ["metadata"] = new JsonObject(),
                ["data"] = new JsonObject { ["text/plain"] = "   region\n0  north", ["text/html"] = "<table class=\"dataframe\"><tr><td>north</td></tr></table>" },
            }),
            Code("plot", "plot()", 2, Display("image/png", "iVBORw0KGgo=\n"), new JsonObject { ["output_type"] = "stream", ["name"] = "stderr", ["text"] = "careful <now>\n" }),
            Code("boom", "1/0", 3, new JsonObject
            {
                ["output_type"] = "error", ["ename"] = "ZeroDivisionError", ["evalue"] = "division by zero",
                ["traceback"] = new JsonArray("\u001b[0;31mZeroDivisionError\u001b[0m: division by zero"),
            }));

        var html = new NotebookHtml().Render(notebook, showCode: false);

        Assert.Contains("<h1", html, StringComparison.Ordinal);
        Assert.Contains("<em>per region</em>", html, StringComparison.Ordinal);
        // The sanitizer keeps a table's markup (and completes it, as a browser would).
        Assert.Matches("<table class=\"dataframe\">(<tbody>)?<tr><td>north</td></tr>(</tbody>)?</table>", html);
        Assert.DoesNotContain("0  north", html, StringComparison.Ordinal); // the richest form only
        Assert.Contains("<img class=\"nb-image\" alt=\"output image\" src=\"data:image/png;base64,iVBORw0KGgo=\">", html, StringComparison.Ordinal);
        Assert.Contains("<pre class=\"nb-stream nb-stderr\">careful &lt;now&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"nb-error-banner\" role=\"alert\">Execution failed in <a href=\"#cell-3\">cell 3 (id &#39;boom&#39;), In [3]</a>: ZeroDivisionError: division by zero</div>", html, StringComparison.Ordinal);
        Assert.Contains("<section class=\"nb-cell nb-code nb-failed\" id=\"cell-3\"><details class=\"nb-source\" open>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"ansi-red-fg\">ZeroDivisionError</span>: division by zero", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", html, StringComparison.Ordinal);
        // Code is hidden for readers (but the failing cell's), and shown when asked.
        Assert.Contains("<details class=\"nb-source\"><summary>In [1]</summary>", html, StringComparison.Ordinal);
        Assert.Contains("<details class=\"nb-source\" open><summary>In [1]</summary>", new NotebookHtml().Render(notebook, showCode: true), StringComparison.Ordinal);
    }

    [Fact]
    public void A_notebook_s_own_script_never_reaches_the_page()
    {
        var notebook = Executed(
            Markdown("md", "hi <script>window.pwned = 1</script> <img src=x onerror=\"window.pwned=2\"> [link](javascript:window.pwned=3)"),
            Code("html", "x", 1,
                Display("text/html", "<script>window.pwned=4</script><img src=x onerror=\"window.pwned=5\"><a href=\"javascript:window.pwned=6\">click</a><iframe src=\"https://example.com\"></iframe>"),
                Display("image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.pwned=7\"><script>window.pwned=8</script></svg>"),
                Display("image/png", "not base64 \"><script>window.pwned=9</script>"),
                new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "<script>window.pwned=10</script>" }),
            Code("odd", "<b>", 2));

        var html = new NotebookHtml().Render(notebook, showCode: true);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onload", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("src=\"data:image/svg+xml;base64,", html, StringComparison.Ordinal); // shown as an image: scripts in it never run
        Assert.Contains("&lt;script&gt;window.pwned=10&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<code>&lt;b&gt;</code>", html, StringComparison.Ordinal);
    }
}
