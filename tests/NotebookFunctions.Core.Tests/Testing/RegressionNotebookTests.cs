using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Testing;
using static NotebookFunctions.Core.Tests.Testing.SavedNotebooks;

namespace NotebookFunctions.Core.Tests.Testing;

/// <summary>
/// Whole notebooks, as saved by their authors, run top to bottom on a real python3 kernel and checked against their
/// saved outputs with nbval's rules.
/// </summary>
public sealed class RegressionNotebookTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbf-regression-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_notebook_that_reproduces_its_saved_outputs_passes()
    {
        var saved = TestNotebooks.WithCells(
            Cell.NewMarkdown("# Prices", "m0"),
            Code("c0", 1, "prices = [10.0, 12.5]\nprint(len(prices))", Stream("2\n")),
            Code("c1", 2, "sum(prices)", Result("22.5", count: 2)),
            Code("c2", 3, "import sys\nprint('note', file=sys.stderr)\nmax(prices)", Stream("note\n", "stderr"), Result("12.5", count: 3)));

        Assert.Empty(await CheckAsync(saved));
    }

    [Fact]
    public async Task Outputs_saved_from_out_of_order_runs_fail_at_the_first_cell_that_differs_top_to_bottom()
    {
        // The author ran c0, then c2 (printing 1), then c1, and saved: the file says x is 1 where a run from the top gives 2.
        var saved = TestNotebooks.WithCells(
            Code("c0", 1, "x = 1"),
            Code("c1", 3, "x = 2"),
            Code("c2", 2, "print(x)", Stream("1\n")),
            Code("c3", 4, "print(x * 10)", Stream("10\n")),
            Code("c4", 5, "print('unchanged')", Stream("unchanged\n")));

        var mismatches = await CheckAsync(saved);

        Assert.Equal([2, 3], mismatches.Select(m => m.CellIndex));
        var first = mismatches[0];
        Assert.Equal(("c2", 3, "stdout of output 1: expected '1', got '2'"), (first.CellId, first.ExecutionCount, first.Summary));
        Assert.Equal("cell 2 (id 'c2'), In [3]: stdout of output 1: expected '1', got '2'", first.ToString());
        Assert.Contains("\n-1\n+2", first.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ignore_output_by_tag_or_comment_runs_the_cell_but_does_not_compare_it()
    {
        var saved = TestNotebooks.WithCells(
            Tagged("c0", 1, "import random\nseen = ['c0']\nprint(random.random())", ["nbval-ignore-output"], Stream("0.1234\n")),
            Code("c1", 2, "# NBVAL_IGNORE_OUTPUT\nseen.append('c1')\nprint(random.random())", Stream("0.5678\n")),
            Code("c2", 3, "# PYTEST_VALIDATE_IGNORE_OUTPUT\nseen.append('c2')\nprint(random.random())", Stream("0.9012\n")),
            Code("c3", 4, "print(random.random())", Stream("0.3456\n")),
            Code("c4", 5, "print(seen)", Stream("['c0', 'c1', 'c2']\n")));

        var mismatch = Assert.Single(await CheckAsync(saved));

        Assert.Equal(3, mismatch.CellIndex);
    }

    [Fact]
    public async Task In_lax_mode_only_cells_marked_check_output_are_compared()
    {
        var saved = TestNotebooks.WithCells(
            Code("c0", 1, "print(1)", Stream("stale\n")),
            Tagged("c1", 2, "print(2)", ["nbval-check-output"], Stream("stale\n")),
            Code("c2", 3, "# NBVAL_CHECK_OUTPUT\nprint(3)", Stream("stale\n")),
            Tagged("c3", 4, "print(4)", ["nbval-check-output"], Stream("4\n")));

        var lax = await CheckAsync(saved, new RegressionOptions { Lax = true });
        var strict = await CheckAsync(saved);

        Assert.Equal([1, 2], lax.Select(m => m.CellIndex));
        Assert.Equal([0, 1, 2], strict.Select(m => m.CellIndex));
    }

    [Fact]
    public async Task A_cell_that_raises_unexpectedly_fails_even_in_lax_mode_or_with_ignore_output()
    {
        var saved = TestNotebooks.WithCells(
            Code("c0", 1, "total = 10 / 0"),
            Tagged("c1", 2, "undefined_thing", ["nbval-ignore-output"]),
            Code("c2", 3, "print('went on')", Stream("went on\n")));

        var mismatches = await CheckAsync(saved, new RegressionOptions { Lax = true });

        Assert.Equal(
            [(0, "raised ZeroDivisionError: division by zero"), (1, "raised NameError: name 'undefined_thing' is not defined")],
            mismatches.Select(m => (m.CellIndex, m.Summary)));
        Assert.Contains("ZeroDivisionError", mismatches[0].Diff, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", mismatches[0].Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skip_by_tag_or_comment_does_not_run_the_cell()
    {
        var byTag = Path.Combine(_folder, "by-tag.txt");
        var byComment = Path.Combine(_folder, "by-comment.txt");
        var saved = TestNotebooks.WithCells(
            Tagged("c0", 1, $"open(r'{byTag}', 'w').write('ran')\nraise RuntimeError('skipped cell ran')", ["nbval-skip"], Stream("whatever was saved\n")),
            Code("c1", 2, $"# NBVAL_SKIP\nopen(r'{byComment}', 'w').write('ran')\nraise RuntimeError('skipped cell ran')", Stream("whatever was saved\n")),
            Code("c2", 3, "print('after')", Stream("after\n")));

        var executed = await RunAsync(saved);

        Assert.Empty(RegressionCheck.Compare(saved, executed, new RegressionOptions()));
        Assert.False(File.Exists(byTag));
        Assert.False(File.Exists(byComment));
        Assert.Equal([null, null, 1], executed.Cells.Select(c => c.ExecutionCount));
    }

    [Fact]
    public async Task A_cell_marked_to_raise_passes_when_it_raises_the_saved_error_whichever_form_the_marker_takes()
    {
        var saved = TestNotebooks.WithCells(
            Tagged("c0", 1, "missing_a", ["raises-exception"], Error("NameError", "name 'missing_a' is not defined")),
            Tagged("c1", 2, "missing_b", ["nbval-raises-exception"], Error("NameError", "name 'missing_b' is not defined")),
            Code("c2", 3, "# NBVAL_RAISES_EXCEPTION\nmissing_c", Error("NameError", "name 'missing_c' is not defined")),
            Code("c3", 4, "print('went on')", Stream("went on\n")));

        Assert.Empty(await CheckAsync(saved));
    }

    [Fact]
    public async Task A_cell_marked_to_raise_fails_when_it_raises_nothing_or_another_error()
    {
        var saved = TestNotebooks.WithCells(
            Tagged("c0", 1, "value = 1", ["raises-exception"], Error("NameError", "name 'value' is not defined")),
            Code("c1", 2, "# NBVAL_RAISES_EXCEPTION\n# NBVAL_IGNORE_OUTPUT\nprint('fine')", Error("NameError", "name 'x' is not defined")),
            Tagged("c2", 3, "{}['price']", ["raises-exception"], Error("NameError", "name 'price' is not defined")));

        var mismatches = await CheckAsync(saved);

        Assert.Equal(
            [
                (0, "marked to raise an exception (raises-exception or NBVAL_RAISES_EXCEPTION), but raised none"),
                (1, "marked to raise an exception (raises-exception or NBVAL_RAISES_EXCEPTION), but raised none"),
                (2, "ename of output 1: expected 'NameError', got 'KeyError'"),
            ],
            mismatches.Select(m => (m.CellIndex, m.Summary)));
    }

    [Fact]
    public async Task A_cell_that_raises_without_the_marker_fails_naming_the_error_and_showing_its_traceback()
    {
        var saved = TestNotebooks.WithCells(
            Code("c0", 1, "def load():\n    return prices_table\n\nload()", Result("[10.0, 12.5]")));

        var mismatch = Assert.Single(await CheckAsync(saved));

        Assert.Equal(("c0", 1, "raised NameError: name 'prices_table' is not defined"), (mismatch.CellId, mismatch.ExecutionCount, mismatch.Summary));
        Assert.Contains("return prices_table", mismatch.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cell_never_run_in_the_saved_notebook_is_not_compared_but_a_cell_run_without_output_must_stay_silent()
    {
        var saved = TestNotebooks.WithCells(
            Code("c0", null, "print('never run by the author')"),
            Code("c1", 1, "rows = 3"),
            Code("c2", 2, "import warnings\nwarnings.warn('deprecated thing')"),
            Code("c3", 3, "   "));

        var mismatch = Assert.Single(await CheckAsync(saved));

        Assert.Equal((2, "stderr of output 1 in this run: new, not in the saved outputs"), (mismatch.CellIndex, mismatch.Summary));
        Assert.Contains("+", mismatch.Diff, StringComparison.Ordinal);
        Assert.Contains("deprecated thing", mismatch.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_cell_with_outputs_but_no_execution_count_fails_as_in_nbval()
    {
        var saved = TestNotebooks.WithCells(Code("c0", null, "print(1)", Stream("1\n")));

        var mismatch = Assert.Single(await CheckAsync(saved));

        Assert.Contains("Unrun reference cell has outputs", mismatch.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streams_split_by_flushes_compare_equal_to_one_saved_stream_per_name()
    {
        var saved = TestNotebooks.WithCells(Code("c0", 1,
            "import sys\nprint('a')\nsys.stdout.flush()\nprint('warn', file=sys.stderr)\nsys.stderr.flush()\nprint('b')",
            Stream("a\nb\n"), Stream("warn\n", "stderr")));
        var executed = await RunAsync(saved);

        Assert.Equal(3, executed.Cells[0].Outputs.Count);
        Assert.Empty(RegressionCheck.Compare(saved, executed, new RegressionOptions()));
    }

    [Fact]
    public async Task A_run_stopped_early_is_paired_cell_by_cell_despite_the_error_banner_and_names_the_cells_that_did_not_run()
    {
        var saved = TestNotebooks.WithCells(
            Code("c0", 1, "print(1)", Stream("1\n")),
            Code("c1", 2, "import os\nos._exit(1)"),
            Code("c2", 3, "print(3)", Stream("3\n")));
        var executed = await RunAsync(saved);
        Assert.Contains(executed.Cells, c => c.HasTag(ErrorBanner.Tag));

        var mismatches = RegressionCheck.Compare(saved, executed, new RegressionOptions());

        Assert.Equal([1, 2], mismatches.Select(m => m.CellIndex));
        Assert.StartsWith("raised DeadKernelError: ", mismatches[0].Summary, StringComparison.Ordinal);
        Assert.Equal((null, "did not run: the run stopped before this cell"), (mismatches[1].ExecutionCount, mismatches[1].Summary));
    }

    [Fact]
    public void An_executed_notebook_that_is_not_a_run_of_the_saved_one_is_refused()
    {
        var saved = TestNotebooks.Of("a = 1", "b = 2");

        Assert.Throws<ArgumentException>(() => RegressionCheck.Compare(saved, TestNotebooks.Of("a = 1"), new RegressionOptions()));
        Assert.Throws<ArgumentException>(() => RegressionCheck.Compare(saved, TestNotebooks.WithCells(Cell.NewCode("a = 1", "c0"), Cell.NewCode("b = 2", "other")), new RegressionOptions()));
    }
}
