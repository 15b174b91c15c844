using System.Diagnostics;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Tests.Execution;

/// <summary>Timeouts and dead kernels: the kernel really stops, and the error names the cell.</summary>
public sealed class ExecutorTimeoutTests
{
    /// <summary>Remembers the kernels it hands out, so a test can see whether they still run.</summary>
    private sealed class TrackingProvider : IKernelProvider
    {
        public List<Kernel> Kernels { get; } = [];

        public async Task<Kernel> AcquireAsync(KernelSpec spec, KernelStartOptions options, CancellationToken cancellationToken)
        {
            var kernel = await Kernel.StartAsync(spec, options, cancellationToken);
            Kernels.Add(kernel);
            return kernel;
        }
    }

    [Fact]
    public async Task A_cell_timeout_interrupts_a_busy_loop_and_fails_naming_the_cell()
    {
        var kernels = new TrackingProvider();
        var result = await TestExecution.RunAsync(
            TestNotebooks.Of("x = 1", "while True:\n    pass", "print('never')"),
            new ExecutionOptions { CellTimeout = TimeSpan.FromSeconds(2), NotebookName = "loop.ipynb" },
            kernels);

        var failure = Assert.IsType<ExecutionFailure>(result.Failure);
        Assert.Equal((FailureKind.CellTimeout, 1, "CellTimeoutError"), (failure.Kind, failure.CellIndex, failure.EName));
        Assert.Contains("cell 1 did not finish within 2 s", failure.EValue);
        var cell = TestExecution.ById(result, "c1");
        Assert.Contains(TestExecution.OutputsOfType(cell, "error"), o => o["ename"]!.GetValue<string>() == "KeyboardInterrupt");
        Assert.Contains(TestExecution.OutputsOfType(cell, "error"), o => o["ename"]!.GetValue<string>() == "CellTimeoutError");
        // The kernel is gone after the run: no process keeps spinning.
        var kernel = Assert.Single(kernels.Kernels);
        Assert.False(kernel.IsAlive);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(kernel.ProcessId));
    }

    [Fact]
    public async Task With_allow_errors_a_timed_out_cell_keeps_its_interrupt_as_its_error_and_the_notebook_goes_on_as_nbclient_does()
    {
        var result = await TestExecution.RunAsync(
            TestNotebooks.Of("x = 1", "import time\ntime.sleep(60)", "print('after', x)"),
            new ExecutionOptions { CellTimeout = TimeSpan.FromSeconds(2), AllowErrors = true, NotebookName = "interrupt.ipynb" });

        Assert.Null(result.Failure);
        var interrupted = TestExecution.ById(result, "c1");
        Assert.Equal("KeyboardInterrupt", Assert.Single(TestExecution.OutputsOfType(interrupted, "error"))["ename"]!.GetValue<string>());
        Assert.Equal("after 1\n", TestExecution.StreamText(TestExecution.ById(result, "c2")));
    }

    [Fact]
    public async Task A_cell_that_ignores_interrupts_is_killed_after_the_grace_period()
    {
        var kernels = new TrackingProvider();
        var stopwatch = Stopwatch.StartNew();
        var result = await TestExecution.RunAsync(
            TestNotebooks.Of("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
            new ExecutionOptions { CellTimeout = TimeSpan.FromSeconds(1), InterruptGrace = TimeSpan.FromSeconds(1) },
            kernels);

        Assert.Equal(FailureKind.CellTimeout, result.Failure?.Kind);
        Assert.False(kernels.Kernels.Single().IsAlive);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task The_whole_notebook_timeout_stops_a_run_of_slow_cells()
    {
        var result = await TestExecution.RunAsync(
            TestNotebooks.Of("import time", "time.sleep(1)", "time.sleep(1)", "time.sleep(60)", "print('never')"),
            new ExecutionOptions { Timeout = TimeSpan.FromSeconds(4) });

        var failure = Assert.IsType<ExecutionFailure>(result.Failure);
        Assert.Equal((FailureKind.NotebookTimeout, 3), (failure.Kind, failure.CellIndex));
        Assert.Contains("the notebook did not finish within 4 s; stopped in cell 3", failure.EValue);
    }

    [Fact]
    public async Task A_kernel_that_exits_is_reported_as_dead_naming_the_cell()
    {
        var result = await TestExecution.RunAsync(
            TestNotebooks.Of("print('before')", "import os, sys\nprint('bye', file=sys.stderr, flush=True)\nos._exit(1)", "print('never')"),
            new ExecutionOptions { NotebookName = "exit.ipynb" });

        var failure = Assert.IsType<ExecutionFailure>(result.Failure);
        Assert.Equal((FailureKind.KernelDied, 1, "DeadKernelError"), (failure.Kind, failure.CellIndex, failure.EName));
        Assert.Contains("exited with code 1", failure.EValue);
        Assert.StartsWith("exit.ipynb: kernel died in cell 1", failure.Summary);
        Assert.Contains(TestExecution.OutputsOfType(TestExecution.ById(result, "c1"), "error"), o => o["ename"]!.GetValue<string>() == "DeadKernelError");
    }

    [Fact]
    public async Task Cancelling_a_run_interrupts_the_cell_and_keeps_the_output()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var result = await new NotebookExecutor().ExecuteAsync(
            TestNotebooks.Of("print('started', flush=True)\nimport time\ntime.sleep(60)"), new ExecutionOptions(), cts.Token);

        Assert.Equal(FailureKind.Cancelled, result.Failure?.Kind);
        Assert.Equal("started\n", TestExecution.StreamText(TestExecution.ById(result, "c0")));
    }
}
