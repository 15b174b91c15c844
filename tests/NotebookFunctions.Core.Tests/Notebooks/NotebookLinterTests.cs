using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Notebooks;

/// <summary>Publish-time warnings about what a saved notebook gives away.</summary>
public sealed class NotebookLinterTests
{
    [Fact]
    public void A_clean_file_with_a_parameters_cell_has_no_warnings()
    {
        var notebook = TestNotebooks.WithCells(TestNotebooks.Tagged("x = 1", "p", "parameters"), Cell.NewCode("print(x)", "c"));

        Assert.Empty(NotebookLinter.Lint(notebook));
    }

    [Fact]
    public void Cells_run_out_of_order_or_skipped_are_named()
    {
        var notebook = TestNotebooks.WithCells(TestNotebooks.Tagged("x = 1", "p", "parameters"), Cell.NewCode("y = x", "a"), Cell.NewCode("print(y)", "b"), Cell.NewCode("z = 3", "c"));
        notebook.Cells[0].ExecutionCount = 2;
        notebook.Cells[1].ExecutionCount = 5;
        notebook.Cells[2].ExecutionCount = 3;

        var warnings = NotebookLinter.Lint(notebook);

        var order = Assert.Single(warnings, w => w.Code == "out-of-order");
        Assert.Equal(2, order.CellIndex);
        Assert.Contains("In [3]", order.Message);
        var skipped = Assert.Single(warnings, w => w.Code == "not-executed");
        Assert.Equal(3, skipped.CellIndex);
    }
}
