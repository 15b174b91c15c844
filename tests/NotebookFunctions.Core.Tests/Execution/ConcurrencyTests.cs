using NotebookFunctions.Core.Execution;

namespace NotebookFunctions.Core.Tests.Execution;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Eight_notebooks_run_at_once_on_separate_kernels_without_port_failures()
    {
        var runs = Enumerable.Range(0, 8).Select(i => TestExecution.RunAsync(
            TestNotebooks.Of($"import os\nn = {i}", "print(n, os.getpid())"),
            new ExecutionOptions { NotebookName = $"nb{i}.ipynb" }));

        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Failure?.Summary));
        var lines = results.Select(r => TestExecution.StreamText(r.Notebook.Cells[1]).Trim().Split(' ')).ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), lines.Select(l => l[0]));
        Assert.Equal(8, lines.Select(l => l[1]).Distinct().Count());
    }
}
