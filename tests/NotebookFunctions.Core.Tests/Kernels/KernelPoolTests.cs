using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Tests.Kernels;

public sealed class KernelPoolTests
{
    [Fact]
    public async Task Pooled_runs_never_share_state()
    {
        await using var pool = new KernelPool(TestExecution.Python, new KernelPoolOptions { Size = 2 });
        var executor = new NotebookExecutor(pool);

        var first = await executor.ExecuteAsync(
            TestNotebooks.Of("import os, pandas\nsecret_var = 42\nos.environ['LEAK'] = 'yes'\nos.chdir('/')\npandas.set_option('display.max_rows', 3)"),
            new ExecutionOptions());
        var second = await executor.ExecuteAsync(
            TestNotebooks.Of("import os, pandas\nprint('secret_var' in globals(), os.environ.get('LEAK'), pandas.get_option('display.max_rows'))"),
            new ExecutionOptions());

        Assert.True(first.Succeeded, first.Failure?.Summary);
        Assert.Equal("False None 60\n", TestExecution.StreamText(second.Notebook.Cells[0]));
    }

    [Fact]
    public async Task Pre_imports_are_loaded_silently_and_the_working_directory_is_set_per_run()
    {
        var dir = Directory.CreateTempSubdirectory("nbf-pool-").FullName;
        await using var pool = new KernelPool(TestExecution.Python, new KernelPoolOptions { Size = 1, PreImports = "import pandas" });

        var result = await new NotebookExecutor(pool).ExecuteAsync(
            TestNotebooks.Of("import sys, os\nprint('pandas' in sys.modules, os.getcwd())"),
            new ExecutionOptions { WorkingDirectory = dir });

        Assert.Equal($"True {dir}\n", TestExecution.StreamText(result.Notebook.Cells[0]));
        // Pre-imports leave no trace in the notebook: the first visible cell is In [1].
        Assert.Equal(1, result.Notebook.Cells[0].ExecutionCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Each_acquisition_gets_a_different_kernel_and_the_pool_refills(int size)
    {
        // Size 1 refills as soon as it runs dry; size 2 refills when a used kernel is gone.
        await using var pool = new KernelPool(TestExecution.Python, new KernelPoolOptions { Size = size });
        var pids = new List<int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var i = 0; i < 3 + size; i++)
        {
            await using var kernel = await pool.AcquireAsync(TestExecution.Python, new KernelStartOptions(), timeout.Token);
            Assert.True(kernel.IsAlive);
            pids.Add(kernel.ProcessId);
        }

        Assert.Equal(3 + size, pids.Distinct().Count());
    }

    [Fact]
    public async Task A_run_that_needs_its_own_environment_gets_a_fresh_kernel_with_it()
    {
        await using var pool = new KernelPool(TestExecution.Python, new KernelPoolOptions { Size = 1 });
        var result = await new NotebookExecutor(pool).ExecuteAsync(
            TestNotebooks.Of("import os\nprint(os.environ['NBF_TEST_VALUE'])"),
            new ExecutionOptions { Environment = new Dictionary<string, string> { ["NBF_TEST_VALUE"] = "from-env" } });

        Assert.Equal("from-env\n", TestExecution.StreamText(result.Notebook.Cells[0]));
    }
}
