using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Execution;

/// <summary>Failures name the notebook, cell, count and error; the output notebook is marked as papermill marks it.</summary>
public sealed class ExecutorFailureTests
{
    [Fact]
    public async Task A_failing_cell_stops_the_run_marks_the_notebook_and_names_the_cell()
    {
        var notebook = TestNotebooks.WithCells(
            Cell.NewCode("x = 1", "setup"),
            Cell.NewCode("def f():\n    raise ValueError('bad input: 42')\nf()", "boom"),
            Cell.NewCode("print('never')", "after"));

        var result = await TestExecution.RunAsync(notebook, new ExecutionOptions { NotebookName = "sales.ipynb" });

        var failure = Assert.IsType<ExecutionFailure>(result.Failure);
        Assert.Equal((FailureKind.CellError, "sales.ipynb", 1, "boom", 2, "ValueError", "bad input: 42"),
            (failure.Kind, failure.Notebook, failure.CellIndex, failure.CellId, failure.ExecutionCount, failure.EName, failure.EValue));
        Assert.Equal("sales.ipynb: error in cell 1 (id 'boom'), In [2]: ValueError: bad input: 42", failure.Summary);
        Assert.Contains(failure.Traceback, line => line.Contains("bad input: 42", StringComparison.Ordinal));

        var cells = result.Notebook.Cells;
        Assert.True(cells[0].HasTag(ErrorBanner.Tag));
        Assert.Contains("In [2]", cells[0].Source);
        Assert.Contains("href=\"#papermill-error-cell\"", cells[0].Source);
        Assert.True(cells[2].HasTag(ErrorBanner.Tag));
        Assert.Contains("id=\"papermill-error-cell\"", cells[2].Source);
        var failed = TestExecution.ById(result, "boom");
        var error = Assert.Single(TestExecution.OutputsOfType(failed, "error"));
        Assert.Equal("ValueError", error["ename"]!.GetValue<string>());
        Assert.Null(TestExecution.ById(result, "after").ExecutionCount);
        Assert.Equal("failed", result.Notebook.Metadata["notebook_functions"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Allow_errors_runs_on_and_the_raises_exception_tag_allows_one_cell()
    {
        var allowAll = await TestExecution.RunAsync(TestNotebooks.Of("1/0", "print('went on')"), new ExecutionOptions { AllowErrors = true });
        Assert.True(allowAll.Succeeded);
        Assert.Equal("went on\n", TestExecution.StreamText(allowAll.Notebook.Cells[1]));
        Assert.Equal(CellStatus.FailedAllowed, allowAll.Cells[0].Status);

        var tagged = await TestExecution.RunAsync(TestNotebooks.WithCells(
            Cell.NewCode("raise KeyError('expected')", "a", NotebookExecutor.RaisesTag),
            Cell.NewCode("print('next')", "b")));
        Assert.True(tagged.Succeeded, tagged.Failure?.Summary);
        Assert.Equal("next\n", TestExecution.StreamText(tagged.Notebook.Cells[1]));
        Assert.DoesNotContain(tagged.Notebook.Cells, c => c.HasTag(ErrorBanner.Tag));
    }

    [Fact]
    public async Task Sys_exit_zero_ends_the_run_early_and_cleanly_as_in_papermill()
    {
        var result = await TestExecution.RunAsync(TestNotebooks.Of("import sys\nprint('done')\nsys.exit(0)", "print('skipped')"));

        Assert.True(result.Succeeded, result.Failure?.Summary);
        Assert.Null(result.Notebook.Cells[1].ExecutionCount);
    }

    [Fact]
    public async Task Input_is_refused_in_the_cell_instead_of_hanging()
    {
        var result = await TestExecution.RunAsync(TestNotebooks.Of("name = input('your name: ')"), new ExecutionOptions { CellTimeout = TimeSpan.FromSeconds(30) });

        var failure = Assert.IsType<ExecutionFailure>(result.Failure);
        Assert.Equal(FailureKind.CellError, failure.Kind);
        Assert.Equal("StdinNotImplementedError", failure.EName);
        Assert.Equal(0, failure.CellIndex);
    }

    [Fact]
    public async Task An_unknown_kernel_is_reported_with_the_installed_ones()
    {
        var result = await TestExecution.RunAsync(TestNotebooks.Of("1"), new ExecutionOptions { KernelName = "no-such-kernel" });

        var failure = Assert.IsType<ExecutionFailure>(result.Failure);
        Assert.Equal(FailureKind.KernelStart, failure.Kind);
        Assert.Contains("no kernel named 'no-such-kernel' is installed (installed: ", failure.EValue);
        Assert.Contains("python3", failure.EValue);
    }

    [Fact]
    public async Task A_rerun_of_an_output_notebook_does_not_stack_banners()
    {
        var first = await TestExecution.RunAsync(TestNotebooks.Of("1/0"));
        var second = await TestExecution.RunAsync(first.Notebook);

        Assert.Equal(2, second.Notebook.Cells.Count(c => c.HasTag(ErrorBanner.Tag)));
    }
}
