using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Notebooks;

/// <summary>What the catalog says a notebook does: the first paragraph of its first markdown cell, as plain text.</summary>
public sealed class NotebookDescriptionTests
{
    [Theory]
    [InlineData("# Sales report\n\nTotals per **region**, from the [daily feed](https://x).\n\nMore.", "Sales report: Totals per region, from the daily feed.")]
    [InlineData("Plain first paragraph\nwrapped over lines.\n\nSecond.", "Plain first paragraph wrapped over lines.")]
    [InlineData("## Only a heading", "Only a heading")]
    [InlineData("> quoted `code` line", "quoted code line")]
    [InlineData("   \n\n  ", null)]
    public void The_first_paragraph_becomes_plain_text(string markdown, string? expected)
    {
        Assert.Equal(expected, NotebookDescription.FromMarkdown(markdown));
    }

    [Fact]
    public void A_long_paragraph_is_cut_at_the_limit_with_an_ellipsis()
    {
        var description = NotebookDescription.FromMarkdown(string.Join(' ', Enumerable.Repeat("word", 200)))!;

        Assert.True(description.Length <= NotebookDescription.MaxLength);
        Assert.EndsWith("…", description);
    }

    [Fact]
    public void A_huge_hostile_cell_is_read_only_as_far_as_a_description_needs()
    {
        // Two million '[' once took a backtracking link pattern minutes; only the cell's first 4 KB are read now.
        var description = NotebookDescription.FromMarkdown(new string('[', 2_000_000) + "](x)")!;

        Assert.Equal(NotebookDescription.MaxLength, description.Length);
    }

    [Fact]
    public void The_first_markdown_cell_with_text_is_used_and_code_cells_are_not()
    {
        var notebook = TestNotebooks.WithCells(
            Cell.NewCode("# not markdown", "c0"),
            new Cell(new System.Text.Json.Nodes.JsonObject { ["cell_type"] = "markdown", ["id"] = "m0", ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["source"] = "  " }),
            new Cell(new System.Text.Json.Nodes.JsonObject { ["cell_type"] = "markdown", ["id"] = "m1", ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["source"] = "Churn by cohort" }));

        Assert.Equal("Churn by cohort", NotebookDescription.Of(notebook));
        Assert.Null(NotebookDescription.Of(TestNotebooks.Of("print(1)")));
    }
}
