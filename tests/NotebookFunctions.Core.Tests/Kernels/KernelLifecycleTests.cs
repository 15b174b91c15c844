using System.Text.Json.Nodes;
using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Tests.Kernels;

/// <summary>Start-up, liveness, history, parent tracking, shutdown and the port-race retry, on real processes.</summary>
public sealed class KernelLifecycleTests
{
    private static Task<string> RunAsync(Kernel kernel, string code) => KernelOutput.PrintedAsync(kernel, code);

    [Fact]
    public async Task History_is_kept_in_memory_and_the_kernel_knows_its_parent()
    {
        await using var kernel = await Kernel.StartAsync(TestExecution.Python);

        var output = await RunAsync(kernel, "import os\nprint(get_ipython().history_manager.hist_file)\nprint(os.environ['JPY_PARENT_PID'])");

        Assert.Equal($":memory:\n{Environment.ProcessId}\n", output);
    }

    [Fact]
    public async Task Heartbeat_answers_while_alive_and_death_is_seen_at_once()
    {
        var kernel = await Kernel.StartAsync(TestExecution.Python);
        Assert.True(kernel.Heartbeat(TimeSpan.FromSeconds(2)));

        var pending = kernel.Execute("import time; time.sleep(30)");
        kernel.Kill();
        var died = await Assert.ThrowsAsync<KernelDiedException>(() => pending.Reply.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.False(kernel.IsAlive);
        Assert.Contains("the kernel", died.Message);
        await kernel.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_ends_the_process_and_removes_the_connection_file()
    {
        var kernel = await Kernel.StartAsync(TestExecution.Python);
        // The kernel's own file, asked of the kernel: other tests start kernels in parallel, so counting the folder's files is not a measure.
        var connectionFile = (await RunAsync(kernel, "from ipykernel import get_connection_file\nprint(get_connection_file())")).Trim();
        Assert.True(File.Exists(connectionFile), connectionFile);

        await kernel.DisposeAsync();

        Assert.False(kernel.IsAlive);
        Assert.False(File.Exists(connectionFile), connectionFile);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_connection_file_is_readable_by_its_owner_only()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("nbf-conn-").FullName, "c.json");
        var info = ConnectionInfo.CreateForLoopback("python3");

        info.WriteFile(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(64, json["key"]!.GetValue<string>().Length);
        Assert.Equal(5, new[] { info.ShellPort, info.IopubPort, info.StdinPort, info.ControlPort, info.HbPort }.Distinct().Count());
    }

    [Fact]
    public async Task A_kernel_that_loses_a_port_race_is_started_again()
    {
        // A kernelspec whose first start fails the way ipykernel does when a port was taken in the meantime.
        var root = Directory.CreateTempSubdirectory("nbf-race-").FullName;
        var dir = Directory.CreateDirectory(Path.Combine(root, "kernels", "racy")).FullName;
        var marker = Path.Combine(root, "tried-once");
        var script = Path.Combine(dir, "start.sh");
        await File.WriteAllTextAsync(script,
            $"#!/bin/sh\nif [ ! -e '{marker}' ]; then touch '{marker}'; echo 'zmq.error.ZMQError: Address already in use' >&2; exit 1; fi\n" +
            "exec /usr/bin/python3 -m ipykernel_launcher -f \"$1\"\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "kernel.json"),
            $$"""{"argv": ["/bin/sh", "{{script}}", "{connection_file}"], "display_name": "Racy", "language": "python"}""");
        var spec = new KernelSpecFinder([root]).Find("racy");

        await using var kernel = await Kernel.StartAsync(spec);

        Assert.True(File.Exists(marker));
        Assert.Equal("ok\n", await RunAsync(kernel, "print('ok')"));
    }

    [Fact]
    public async Task A_kernel_that_cannot_start_reports_its_stderr()
    {
        var root = Directory.CreateTempSubdirectory("nbf-broken-").FullName;
        var dir = Directory.CreateDirectory(Path.Combine(root, "kernels", "broken")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "kernel.json"),
            """{"argv": ["/usr/bin/python3", "-m", "no_such_kernel_module", "-f", "{connection_file}"], "display_name": "Broken", "language": "python"}""");
        var spec = new KernelSpecFinder([root]).Find("broken");

        var e = await Assert.ThrowsAsync<KernelStartException>(() => Kernel.StartAsync(spec));

        Assert.Contains("exited during start-up", e.Message);
        Assert.Contains("No module named no_such_kernel_module", e.Message);
    }
}

/// <summary>
/// A start that ends early must not spin. Alone in its collection, run after the parallel ones: its measure,
/// GC.GetTotalAllocatedBytes, counts the whole process, so other tests allocating meanwhile would count against it.
/// </summary>
[Collection(nameof(KernelStartSpinTests))]
public sealed class KernelStartSpinTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_start_that_times_out_or_is_cancelled_ends_at_once_and_does_not_spin(bool cancelled)
    {
        using var cancel = new CancellationTokenSource();
        // Too short for any kernel to answer: the start must give up, not keep probing (it once spun to 24 GB).
        var options = new KernelStartOptions { StartTimeout = cancelled ? TimeSpan.FromMinutes(5) : TimeSpan.FromMilliseconds(300), AllowFork = false };
        if (cancelled) cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var start = Kernel.StartAsync(TestExecution.Python, options, cancel.Token);
        var ended = await Task.WhenAny(start, Task.Delay(TimeSpan.FromSeconds(20)));

        Assert.Same(start, ended);
        if (cancelled) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        else Assert.Contains("did not answer within", (await Assert.ThrowsAsync<KernelStartException>(() => start)).Message, StringComparison.Ordinal);
        // A spinning loop allocates a probe per turn: hundreds of MB within the 20 s.
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - before, 0, 64L << 20);
    }
}

[CollectionDefinition(nameof(KernelStartSpinTests), DisableParallelization = true)]
public sealed class KernelStartSpinCollection;
