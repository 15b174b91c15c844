using System.Text.Json.Nodes;
using NotebookFunctions.Core.Kernels;

namespace NotebookFunctions.Core.Tests.Kernels;

/// <summary>
/// Kernels forked from the fork server must be indistinguishable, to the notebook, from kernels spawned from argv:
/// same interpreter, path, folder and environment, nothing shared between two of them, deaths seen the same way.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KernelForkTests
{
    private const string Probe = """
        import sys, os, json
        print(json.dumps({"executable": sys.executable, "path": sys.path, "cwd": os.getcwd(), "argv0": os.path.basename(sys.argv[0]),
                          "main": type(sys.modules["__main__"]).__name__, "user_has_pandas": "pandas" in globals(),
                          "token": os.environ.get("NBF_TEST_TOKEN"), "parent": os.environ.get("JPY_PARENT_PID")}))
        """;

    private static async Task<string> RunAsync(Kernel kernel, string code) => (await KernelOutput.PrintedAsync(kernel, code)).Trim();

    private static int ParentOf(int pid) =>
        int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_forked_kernel_sees_what_a_spawned_one_sees()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-fork-").FullName;
        var env = new Dictionary<string, string> { ["NBF_TEST_TOKEN"] = "t-1" };
        await using var spawned = await Kernel.StartAsync(TestExecution.Python, new KernelStartOptions { AllowFork = false, WorkingDirectory = folder, Environment = env });
        await using var forked = await Kernel.StartAsync(TestExecution.Python, new KernelStartOptions { WorkingDirectory = folder, Environment = env, ForkWarmup = "import pandas" });

        Assert.Equal(Environment.ProcessId, ParentOf(spawned.ProcessId));
        Assert.NotEqual(Environment.ProcessId, ParentOf(forked.ProcessId));
        var expected = JsonNode.Parse(await RunAsync(spawned, Probe))!;
        var actual = JsonNode.Parse(await RunAsync(forked, Probe))!;
        Assert.Equal(expected.ToJsonString(), actual.ToJsonString());
        Assert.Equal("t-1", actual["token"]!.GetValue<string>());
        Assert.Equal(folder, actual["cwd"]!.GetValue<string>());
        // The warm-up imported pandas into the server, not into the notebook's namespace.
        Assert.Equal("True", await RunAsync(forked, "import sys; print('pandas' in sys.modules)"));
    }

    [Fact]
    public async Task A_forked_kernel_starts_without_the_debugger_and_jedi_yet_a_notebook_can_import_both()
    {
        await using var forked = await Kernel.StartAsync(TestExecution.Python);

        // Tools of interactive front ends, left out of the start (Debian's ipykernel and IPython depend on both).
        Assert.False(forked.Info["debugger"]?.GetValue<bool>() ?? false);
        Assert.Equal("False False", await RunAsync(forked, "import sys; print('debugpy' in sys.modules, 'jedi' in sys.modules)"));
        Assert.Equal("debugpy jedi", await RunAsync(forked, "import debugpy, jedi; print(debugpy.__name__, jedi.__name__)"));
    }

    [Fact]
    public async Task A_forked_kernel_has_IPythons_terminal_modules_as_a_spawned_one_has()
    {
        await using var forked = await Kernel.StartAsync(TestExecution.Python);

        // The terminal shell (prompt_toolkit) costs the server ~150 ms of imports and a kernel never runs it, but
        // notebooks reach it: a debugger's set_trace, terminal detection. Deferring its import once broke both (a
        // circular import inside IPython.terminal when it is entered anywhere but through IPython.terminal.embed).
        const string Terminal = """
            import IPython
            from IPython.terminal.debugger import set_trace
            from IPython import embed
            print(callable(set_trace), embed is IPython.terminal.embed.embed, isinstance(get_ipython(), IPython.terminal.interactiveshell.TerminalInteractiveShell))
            """;
        Assert.Equal("True True False", await RunAsync(forked, Terminal));
    }

    [Fact]
    public async Task A_full_collection_in_a_forked_kernel_leaves_the_servers_pages_shared()
    {
        await using var forked = await Kernel.StartAsync(TestExecution.Python, new KernelStartOptions { ForkWarmup = "import pandas" });

        // The server's objects (ipykernel, IPython, pandas) are frozen before the fork: a notebook's gc.collect() walks
        // only the kernel's own. Unfrozen, it writes to every one of them and copies ~26 MB of shared pages per kernel.
        const string Collect = """
            import gc
            def private_dirty_kb():
                with open('/proc/self/smaps_rollup') as f:
                    return next(int(l.split()[1]) for l in f if l.startswith('Private_Dirty'))
            before = private_dirty_kb()
            gc.collect()
            print(gc.get_freeze_count() > 10000, (private_dirty_kb() - before) // 1024)
            """;
        var printed = (await RunAsync(forked, Collect)).Split(' ');

        Assert.Equal("True", printed[0]);
        Assert.InRange(int.Parse(printed[1], System.Globalization.CultureInfo.InvariantCulture), -1000, 8);
    }

    [Fact]
    public async Task Two_forked_kernels_share_neither_secrets_nor_random_state()
    {
        const string draw = "import random, numpy; print(random.random(), numpy.random.rand())";
        var options = new KernelStartOptions { ForkWarmup = "import random, numpy" };
        await using var first = await Kernel.StartAsync(TestExecution.Python, options with { Environment = new Dictionary<string, string> { ["NBF_TEST_TOKEN"] = "only-mine" } });
        await using var second = await Kernel.StartAsync(TestExecution.Python, options);

        Assert.NotEqual(await RunAsync(first, draw), await RunAsync(second, draw));
        Assert.Equal("only-mine", await RunAsync(first, "import os; print(os.environ.get('NBF_TEST_TOKEN'))"));
        Assert.Equal("None", await RunAsync(second, "import os; print(os.environ.get('NBF_TEST_TOKEN'))"));
    }

    [Fact]
    public async Task A_forked_kernel_that_dies_reports_its_exit_code_and_last_stderr_lines()
    {
        await using var kernel = await Kernel.StartAsync(TestExecution.Python);

        // ipykernel captures fd 2 for the notebook; its copy of the original stderr is what the host reads.
        var request = kernel.Execute("import os, sys; os.write(sys.stderr._original_stdstream_copy, b'about to leave\\n'); os._exit(3)");
        var died = await Assert.ThrowsAsync<KernelDiedException>(() => request.Reply.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(3, await kernel.Exited);
        Assert.Contains("about to leave", died.Message);
    }

    [Fact]
    public async Task Interrupt_and_kill_reach_a_forked_kernel()
    {
        var kernel = await Kernel.StartAsync(TestExecution.Python);
        // stop_on_error off: otherwise ipykernel aborts the requests that follow an error for a moment.
        var sleeping = kernel.Execute("import time; time.sleep(60)", stopOnError: false);
        await Task.Delay(300);
        await kernel.InterruptAsync();
        var reply = await sleeping.Reply.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("KeyboardInterrupt", reply.Content["ename"]!.GetValue<string>());

        // A subprocess the kernel started dies with it: the kill goes to the kernel's whole session.
        await kernel.Execute("import subprocess; p = subprocess.Popen(['sleep', '60'])").Reply;
        var child = int.Parse((await kernel.EvaluateAsync("p.pid"))!, System.Globalization.CultureInfo.InvariantCulture);
        kernel.Kill();
        Assert.Equal(128 + 9, await kernel.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntilGoneAsync(child);
        await kernel.DisposeAsync();
    }

    [Fact]
    public async Task Kernels_die_with_their_fork_server_and_the_next_start_uses_a_new_one()
    {
        const string warmup = "import json  # a server of its own for this test";
        var options = new KernelStartOptions { ForkWarmup = warmup };
        var kernel = await Kernel.StartAsync(TestExecution.Python, options);
        var server = ParentOf(kernel.ProcessId);
        var pending = kernel.Execute("import time; time.sleep(60)");

        ProcessSignals.Send(server, ProcessSignals.Kill);

        await Assert.ThrowsAsync<KernelDiedException>(() => pending.Reply.WaitAsync(TimeSpan.FromSeconds(15)));
        await WaitUntilGoneAsync(kernel.ProcessId);
        await kernel.DisposeAsync();
        await using var next = await Kernel.StartAsync(TestExecution.Python, options);
        Assert.NotEqual(server, ParentOf(next.ProcessId));
        Assert.Equal("2", await RunAsync(next, "print(1 + 1)"));
    }

    private static async Task WaitUntilGoneAsync(int pid)
    {
        for (var i = 0; i < 100 && IsRunning(pid); i++) await Task.Delay(100);
        Assert.False(IsRunning(pid), $"process {pid} is still running");
    }

    // A zombie (state Z) is dead; only its parent has not collected it yet.
    private static bool IsRunning(int pid) =>
        File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].TrimStart()[0] != 'Z';
}
