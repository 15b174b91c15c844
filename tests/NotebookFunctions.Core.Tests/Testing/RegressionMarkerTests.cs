using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Testing;

namespace NotebookFunctions.Core.Tests.Testing;

/// <summary>nbval's markers, by tag and by comment, read exactly as nbval reads them.</summary>
public sealed class RegressionMarkerTests
{
    [Theory]
    [InlineData("nbval-ignore-output", false, false, false)]
    [InlineData("pytest-validate-ignore-output", false, false, false)]
    [InlineData("nbval-check-output", true, false, false)]
    [InlineData("nbval-raises-exception", null, true, false)]
    [InlineData("raises-exception", null, true, false)]
    [InlineData("nbval-skip", null, false, true)]
    public void Each_marker_is_read_from_its_tag(string tag, bool? check, bool raises, bool skip)
    {
        Assert.Equal(new NbvalMarkers(check, raises, skip), NbvalMarkers.Of(Cell.NewCode("x = 1", "c0", tag)));
    }

    [Theory]
    [InlineData("# NBVAL_IGNORE_OUTPUT", false, false, false)]
    [InlineData("# PYTEST_VALIDATE_IGNORE_OUTPUT", false, false, false)]
    [InlineData("# NBVAL_CHECK_OUTPUT", true, false, false)]
    [InlineData("# NBVAL_RAISES_EXCEPTION", null, true, false)]
    [InlineData("# NBVAL_SKIP", null, false, true)]
    public void Each_marker_is_read_from_its_comment(string comment, bool? check, bool raises, bool skip)
    {
        Assert.Equal(new NbvalMarkers(check, raises, skip), NbvalMarkers.Of(Cell.NewCode($"import os\n{comment}\nx = 1", "c0")));
    }

    [Theory]
    [InlineData("#NBVAL_SKIP")]
    [InlineData("   ##   NBVAL_SKIP   ")]
    [InlineData("x = 1\n\t# NBVAL_SKIP\r\ny = 2")]
    public void A_comment_marker_may_be_indented_and_have_any_number_of_hashes_and_spaces(string source)
    {
        Assert.True(NbvalMarkers.Of(Cell.NewCode(source, "c0")).Skip);
    }

    [Theory]
    [InlineData("x = 1  # NBVAL_SKIP")]
    [InlineData("# nbval_skip")]
    [InlineData("# NBVAL_SKIP because it is slow")]
    [InlineData("# NBVAL-SKIP")]
    [InlineData("print('# NBVAL_SKIP')")]
    public void Only_a_whole_comment_line_in_nbvals_exact_spelling_is_a_marker(string source)
    {
        Assert.Equal(NbvalMarkers.None, NbvalMarkers.Of(Cell.NewCode(source, "c0")));
    }

    [Theory]
    [InlineData("NBVAL_SKIP")]
    [InlineData("nbval_skip")]
    [InlineData("Nbval-Skip")]
    [InlineData("skip")]
    public void Only_nbvals_exact_tags_are_markers(string tag)
    {
        Assert.Equal(NbvalMarkers.None, NbvalMarkers.Of(Cell.NewCode("x = 1", "c0", tag)));
    }

    [Fact]
    public void A_comment_wins_over_a_tag_and_of_two_comments_the_later_wins()
    {
        var commentOverTag = NbvalMarkers.Of(Cell.NewCode("# NBVAL_IGNORE_OUTPUT\nx = 1", "c0", "nbval-check-output"));
        Assert.False(commentOverTag.CheckOutput);

        var laterComment = NbvalMarkers.Of(Cell.NewCode("# NBVAL_IGNORE_OUTPUT\n# NBVAL_CHECK_OUTPUT\nx = 1", "c0"));
        Assert.True(laterComment.CheckOutput);

        var laterTag = NbvalMarkers.Of(Cell.NewCode("x = 1", "c0", "nbval-check-output", "nbval-ignore-output"));
        Assert.False(laterTag.CheckOutput);
    }

    [Fact]
    public void Markers_of_different_kinds_combine()
    {
        var markers = NbvalMarkers.Of(Cell.NewCode("# NBVAL_IGNORE_OUTPUT\n1/0", "c0", "raises-exception"));

        Assert.Equal(new NbvalMarkers(false, true, false), markers);
    }

    [Fact]
    public void Markdown_cells_have_no_markers()
    {
        Assert.Equal(NbvalMarkers.None, NbvalMarkers.Of(Cell.NewMarkdown("# NBVAL_SKIP", "m0", "nbval-skip")));
    }

    [Fact]
    public void Without_a_marker_the_mode_decides_whether_outputs_are_compared()
    {
        Assert.True(NbvalMarkers.None.ComparesOutput(lax: false));
        Assert.False(NbvalMarkers.None.ComparesOutput(lax: true));
        Assert.True(new NbvalMarkers(true, false, false).ComparesOutput(lax: true));
        Assert.False(new NbvalMarkers(false, false, false).ComparesOutput(lax: false));
    }

    [Fact]
    public void Prepare_for_run_keeps_every_cell_in_place_and_has_the_executor_skip_the_skipped_ones()
    {
        var saved = TestNotebooks.WithCells(
            Cell.NewCode("a = 1", "c0"),
            Cell.NewCode("# NBVAL_SKIP\nwhile True: pass", "c1"),
            Cell.NewCode("raise SystemExit", "c2", "nbval-skip"),
            Cell.NewMarkdown("notes", "m0"));

        var prepared = RegressionCheck.PrepareForRun(saved);

        Assert.Equal(saved.Cells.Select(c => (c.Id, c.Source)), prepared.Cells.Select(c => (c.Id, c.Source)));
        Assert.Equal([false, true, true, false], prepared.Cells.Select(c => c.HasTag(NotebookExecutor.SkipTag)));
        Assert.DoesNotContain(saved.Cells, c => c.HasTag(NotebookExecutor.SkipTag));
    }
}
