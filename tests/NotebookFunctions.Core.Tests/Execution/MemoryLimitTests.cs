using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Kernels.Memory;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Execution;

/// <summary>
/// Kernel memory limits on real kernels. Never more than 2 GB is asked for (the machine has no swap), and under a
/// limit the big allocation is refused before a page of it is touched.
/// </summary>
public sealed class MemoryLimitTests
{
    private const long Limit512 = 512L << 20;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_cell_past_the_limit_fails_as_out_of_memory_naming_the_cell_and_its_peak(bool forked)
    {
        var notebook = TestNotebooks.WithCells(
            Cell.NewCode("import numpy as np\nsmall = np.ones(1_000_000)", "setup"),
            Cell.NewCode("big = np.ones(200_000_000)  # 1.5 GiB", "bomb"),
            Cell.NewCode("print('never')", "after"));

        var result = await new NotebookExecutor(new StartingProvider(forked)).ExecuteAsync(notebook, new ExecutionOptions { NotebookName = "test.ipynb", MemoryLimitBytes = Limit512 });

        var failure = Assert.IsType<ExecutionFailure>(result.Failure);
        Assert.Equal((FailureKind.OutOfMemory, 1, "bomb", 2, "MemoryError"), (failure.Kind, failure.CellIndex, failure.CellId, failure.ExecutionCount, failure.EName));
        Assert.Matches(@"^test\.ipynb: out of memory in cell 1 \(id 'bomb'\), In \[2\]: peak \d+(\.\d)? MB of 512 MB limit \(MemoryError: Unable to allocate 1\.49 GiB", failure.Summary);
        Assert.Equal(Limit512, result.MemoryLimitBytes);
        Assert.NotNull(result.PeakMemoryBytes);
        Assert.True(result.PeakMemoryBytes < Limit512, $"peak {result.PeakMemoryBytes}");
        Assert.Null(TestExecution.ById(result, "after").ExecutionCount);
    }

    [Fact]
    public async Task Every_cell_records_its_own_peak_in_its_metadata()
    {
        var notebook = TestNotebooks.WithCells(
            Cell.NewCode("import numpy as np\nx = np.ones(40_000_000)  # 305 MB, touched\ndel x", "big"),
            Cell.NewCode("y = 1", "small"));

        var result = await TestExecution.RunAsync(notebook, new ExecutionOptions { NotebookName = "test.ipynb", MemoryLimitBytes = 1L << 30 });

        Assert.True(result.Succeeded, result.Failure?.Summary);
        var big = CellMemory.Read(TestExecution.ById(result, "big"));
        var small = CellMemory.Read(TestExecution.ById(result, "small"));
        Assert.NotNull(big);
        Assert.NotNull(small);
        Assert.True(big >= 305, $"big cell peak {big} MB");
        // The peak starts afresh with every cell: the small one does not inherit the big one's.
        Assert.True(small < big - 200, $"small cell peak {small} MB after big {big} MB");
        Assert.True(result.PeakMemoryBytes >= 305L << 20);
        Assert.True(result.BaselineMemoryBytes is > 0 && result.BaselineMemoryBytes < result.PeakMemoryBytes);
        Assert.All(result.Cells, c => Assert.NotNull(c.PeakMemoryBytes));
    }

    [Fact]
    public async Task A_process_limit_holds_for_what_the_kernel_starts_and_without_a_limit_nothing_is_set()
    {
        const string probe = "import subprocess, sys\nprint(subprocess.run([sys.executable, '-c', 'import resource; print(resource.getrlimit(resource.RLIMIT_DATA)[0])'], capture_output=True, text=True).stdout.strip())";

        var limited = await TestExecution.RunAsync(TestNotebooks.Of(probe), new ExecutionOptions { MemoryLimitBytes = Limit512 });
        var free = await TestExecution.RunAsync(TestNotebooks.Of(probe));

        Assert.Equal(MemoryLimitMechanism.ProcessDataLimit, KernelMemoryLimits.Mechanism);
        Assert.Equal($"{Limit512}\n", TestExecution.StreamText(limited.Notebook.Cells[0]));
        Assert.Equal("-1\n", TestExecution.StreamText(free.Notebook.Cells[0]));
        Assert.Null(free.MemoryLimitBytes);
    }

    [Fact]
    public async Task An_out_of_memory_without_a_message_reads_as_the_bare_exception_name()
    {
        // What Python raises when the interpreter itself cannot allocate: a MemoryError with no message.
        var result = await TestExecution.RunAsync(TestNotebooks.Of("raise MemoryError()"), new ExecutionOptions { NotebookName = "test.ipynb", MemoryLimitBytes = Limit512 });

        Assert.Equal(FailureKind.OutOfMemory, result.Failure?.Kind);
        Assert.EndsWith("MB of 512 MB limit (MemoryError)", result.Failure!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_memory_error_without_a_limit_stays_an_ordinary_cell_error()
    {
        var result = await TestExecution.RunAsync(TestNotebooks.Of("raise MemoryError('my own')"));

        Assert.Equal(FailureKind.CellError, result.Failure?.Kind);
    }

    [Fact]
    public async Task The_host_budget_holds_back_a_kernel_that_would_not_fit_until_one_is_released()
    {
        var budget = new HostMemoryBudget(1000);
        var first = await budget.ReserveAsync(600, CancellationToken.None);
        var second = budget.ReserveAsync(600, CancellationToken.None);
        var small = budget.ReserveAsync(100, CancellationToken.None);

        // First come, first served: the small one waits behind the big one instead of overtaking it.
        Assert.False(second.IsCompleted);
        Assert.False(small.IsCompleted);
        first.Dispose();
        (await second).Dispose();
        (await small).Dispose();
        Assert.Equal(0, budget.HeldBytes);

        using var cancel = new CancellationTokenSource();
        var held = await budget.ReserveAsync(2000, CancellationToken.None);
        Assert.Equal(1000, budget.HeldBytes);
        var waiting = budget.ReserveAsync(1, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(0, budget.HeldBytes);
    }

    [Fact]
    public void A_cgroup_limit_writes_the_limit_before_moving_the_kernel_in_and_reads_its_oom_kills()
    {
        // Not a cgroupfs (this machine has cgroup v1): the files a cgroup v2 controller would read, checked as written.
        var parent = Directory.CreateTempSubdirectory("nbf-cgroup-").FullName;
        try
        {
            Assert.Contains("not a cgroup v2 folder", KernelMemoryLimits.CgroupProblem(parent));
            File.WriteAllText(Path.Combine(parent, "cgroup.controllers"), "cpu memory pids");
            File.WriteAllText(Path.Combine(parent, "cgroup.subtree_control"), "cpu");
            Assert.Contains("does not enable the memory controller", KernelMemoryLimits.CgroupProblem(parent));
            File.WriteAllText(Path.Combine(parent, "cgroup.subtree_control"), "cpu memory\n");
            Assert.Null(KernelMemoryLimits.CgroupProblem(parent));

            using var limit = CgroupMemoryLimit.Apply(parent, 4242, Limit512);
            var folder = Path.Combine(parent, "nbf-kernel-4242");
            Assert.Equal("536870912", File.ReadAllText(Path.Combine(folder, "memory.max")));
            Assert.Equal("0", File.ReadAllText(Path.Combine(folder, "memory.swap.max")));
            Assert.Equal("4242", File.ReadAllText(Path.Combine(folder, "cgroup.procs")));
            Assert.False(limit.KilledTheKernel);
            File.WriteAllText(Path.Combine(folder, "memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n");
            File.WriteAllText(Path.Combine(folder, "memory.peak"), "536866816\n");
            Assert.True(limit.KilledTheKernel);
            Assert.Equal(536866816, limit.PeakBytes);
            limit.Dispose();
            Assert.False(Directory.Exists(folder));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    /// <summary>Starts every kernel fresh, forked from the server or spawned from the kernelspec's argv.</summary>
    private sealed class StartingProvider(bool fork) : IKernelProvider
    {
        public Task<Kernel> AcquireAsync(KernelSpec spec, KernelStartOptions options, CancellationToken cancellationToken) =>
            Kernel.StartAsync(spec, options with { AllowFork = fork }, cancellationToken);
    }
}
