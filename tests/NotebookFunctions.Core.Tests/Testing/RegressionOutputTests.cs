using System.Text.Json.Nodes;
using NotebookFunctions.Core.Testing;
using static NotebookFunctions.Core.Tests.Testing.SavedNotebooks;

namespace NotebookFunctions.Core.Tests.Testing;

/// <summary>One cell's saved outputs against its new ones, compared as nbval compares them.</summary>
public sealed class RegressionOutputTests
{
    private static readonly OutputComparer Plain = new();

    [Fact]
    public void Equal_outputs_are_equal()
    {
        Assert.Null(Plain.Compare(Outputs(Stream("a\n"), Result("2")), Outputs(Stream("a\n"), Result("2"))));
    }

    [Fact]
    public void Stream_outputs_of_one_name_are_merged_wherever_they_are_as_nbval_does()
    {
        var saved = Outputs(Stream("a\n"), Stream("warning\n", "stderr"), Stream("b\n"));

        Assert.Null(Plain.Compare(saved, Outputs(Stream("a\nb\n"), Stream("warning\n", "stderr"))));
        Assert.Null(Plain.Compare(saved, Outputs(Stream("a\n"), Stream("warn", "stderr"), Stream("b\n"), Stream("ing\n", "stderr"))));
    }

    [Fact]
    public void Within_one_stream_order_matters()
    {
        var difference = Plain.Compare(Outputs(Stream("a\nb\n")), Outputs(Stream("b\na\n")));

        Assert.Equal("stdout of output 1 differs", difference?.Summary);
    }

    [Fact]
    public void Text_overwritten_by_carriage_returns_and_backspaces_is_compared_as_it_displays()
    {
        Assert.Null(Plain.Compare(Outputs(Stream("progress 100%\n")), Outputs(Stream("progress 10%\rprogress 50%\rprogress 100%\n"))));
        Assert.Null(Plain.Compare(Outputs(Stream("ab\n")), Outputs(Stream("abc\b\n"))));
    }

    [Fact]
    public void Html_is_compared_as_text_without_whitespace_normalisation_as_in_nbval_and_a_sanitize_rule_can_normalise_it()
    {
        var saved = Outputs(Display(("text/html", "<table>\n  <tr><td>1</td></tr>\n</table>")));
        var fresh = Outputs(Display(("text/html", "<table>\n    <tr><td>1</td></tr>\n</table>")));

        var difference = Plain.Compare(saved, fresh);
        Assert.Equal("text/html of output 1 differs", difference?.Summary);

        var collapseSpaces = new OutputComparer(Rules("[Whitespace]\nregex: \\s+\nreplace:  \n"));
        Assert.Null(collapseSpaces.Compare(saved, fresh));
        Assert.NotNull(collapseSpaces.Compare(saved, Outputs(Display(("text/html", "<table><tr><td>2</td></tr></table>")))));
    }

    [Fact]
    public void Errors_are_compared_by_name_and_value_not_by_traceback()
    {
        var saved = Outputs(Error("KeyError", "'price'", "Traceback line 1 of the author's machine"));

        Assert.Null(Plain.Compare(saved, Outputs(Error("KeyError", "'price'", "a different traceback", "with more frames"))));
        Assert.Equal("ename of output 1: expected 'KeyError', got 'ValueError'", Plain.Compare(saved, Outputs(Error("ValueError", "'price'")))?.Summary);
        Assert.Equal("evalue of output 1: expected ''price'', got ''cost''", Plain.Compare(saved, Outputs(Error("KeyError", "'cost'")))?.Summary);
    }

    [Fact]
    public void Images_are_compared_by_presence_and_mime_type_only()
    {
        var png = Outputs(Display(("image/png", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), ("text/plain", "<Figure size 640x480 with 1 Axes>")));
        var otherPng = Outputs(Display(("image/png", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), ("text/plain", "<Figure size 640x480 with 1 Axes>")));
        var jpeg = Outputs(Display(("image/jpeg", "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/"), ("text/plain", "<Figure size 640x480 with 1 Axes>")));
        var noImage = Outputs(Display(("text/plain", "<Figure size 640x480 with 1 Axes>")));

        Assert.Null(Plain.Compare(png, otherPng));
        Assert.Equal("image/png of output 1: in the saved outputs, not in this run", Plain.Compare(png, jpeg)?.Summary);
        Assert.Equal("image/png of output 1: in the saved outputs, not in this run", Plain.Compare(png, noImage)?.Summary);
        Assert.Null(Plain.Compare(
            Outputs(Display(("image/svg+xml", "<svg id=\"a1\"><!-- 2024-01-01 --></svg>"))),
            Outputs(Display(("image/svg+xml", "<svg id=\"b7\"><!-- 2025-06-30 --></svg>")))));
    }

    [Fact]
    public void Execution_counts_metadata_and_result_or_display_are_ignored()
    {
        var saved = Outputs(Result("42", count: 7));
        saved[0]!["metadata"] = new JsonObject { ["width"] = 300 };
        var fresh = Outputs(Display(("text/plain", "42")));

        Assert.Null(Plain.Compare(saved, fresh));
    }

    [Fact]
    public void The_order_between_different_kinds_of_output_does_not_matter_as_in_nbval()
    {
        Assert.Null(Plain.Compare(Outputs(Stream("log\n"), Result("1")), Outputs(Result("1"), Stream("log\n"))));
    }

    [Fact]
    public void Json_values_are_compared_as_json()
    {
        var saved = Outputs(Display(("application/json", new JsonObject { ["a"] = 1, ["b"] = new JsonArray(1, 2) })));

        Assert.Null(Plain.Compare(saved, Outputs(Display(("application/json", new JsonObject { ["b"] = new JsonArray(1, 2), ["a"] = 1 })))));
        Assert.Equal("application/json of output 1 differs", Plain.Compare(saved, Outputs(Display(("application/json", new JsonObject { ["a"] = 2, ["b"] = new JsonArray(1, 2) }))))?.Summary);
    }

    [Fact]
    public void Widget_views_are_not_compared_their_model_ids_being_new_on_every_run()
    {
        var saved = Outputs(Display(("application/vnd.jupyter.widget-view+json", new JsonObject { ["model_id"] = "6a1f" }), ("text/plain", "IntSlider(value=0)")));
        var fresh = Outputs(Display(("application/vnd.jupyter.widget-view+json", new JsonObject { ["model_id"] = "90bc" }), ("text/plain", "IntSlider(value=0)")));

        Assert.Null(Plain.Compare(saved, fresh));
    }

    [Fact]
    public void A_missing_or_extra_output_is_named()
    {
        Assert.Equal("stderr of output 1 in this run: new, not in the saved outputs",
            Plain.Compare(Outputs(), Outputs(Stream("DeprecationWarning: old\n", "stderr")))?.Summary);
        Assert.Equal("text/plain of output 2: not in this run (2 text/plain outputs saved, 1 in this run)",
            Plain.Compare(Outputs(Display(("text/plain", "a")), Display(("text/plain", "b"))), Outputs(Display(("text/plain", "a"))))?.Summary);
    }

    [Fact]
    public void The_diff_shows_the_expected_and_the_got_lines_with_context()
    {
        var saved = Outputs(Result("   price\n0  10.0\n1  12.5\n2  11.0\n3  13.2"));
        var fresh = Outputs(Result("   price\n0  10.0\n1  12.7\n2  11.0\n3  13.2"));

        var difference = Plain.Compare(saved, fresh)!;

        Assert.Equal("text/plain of output 1 differs", difference.Summary);
        Assert.Equal(
            """
            --- expected (saved)
            +++ got (this run)
            @@ -1,5 +1,5 @@
                price
             0  10.0
            -1  12.5
            +1  12.7
             2  11.0
             3  13.2
            \ No newline at end
            """,
            difference.Diff);
    }

    [Fact]
    public void A_diff_names_a_missing_final_newline()
    {
        var difference = Plain.Compare(Outputs(Stream("done\n")), Outputs(Stream("done")))!;

        Assert.Equal("stdout of output 1 differs", difference.Summary);
        Assert.Contains("-done\n+done\n\\ No newline at end", difference.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_diff_is_cut_to_forty_lines_saying_how_many_more_there_are()
    {
        var saved = string.Concat(Enumerable.Range(0, 200).Select(i => $"row {i}\n"));
        var fresh = string.Concat(Enumerable.Range(0, 200).Select(i => $"row {i * 2}\n"));

        var diff = Plain.Compare(Outputs(Stream(saved)), Outputs(Stream(fresh)))!.Diff.Split('\n');

        Assert.Equal(40, diff.Length);
        Assert.Matches(@"^\.\.\. \(\d+ more lines of diff\)$", diff[^1]);
    }

    [Fact]
    public void Control_characters_in_a_diff_are_shown_as_escapes()
    {
        var difference = Plain.Compare(Outputs(Stream("\u001b[31mred\u001b[0m\n")), Outputs(Stream("\u001b[32mgreen\u001b[0m\n")))!;

        Assert.Contains("+\\x1b[32mgreen\\x1b[0m", difference.Diff, StringComparison.Ordinal);
    }
}
