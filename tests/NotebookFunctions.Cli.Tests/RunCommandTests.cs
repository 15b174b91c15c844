using System.Text.Json.Nodes;

namespace NotebookFunctions.Cli.Tests;

/// <summary><c>nbf run</c> as a user runs it: a process, its exit code, what it prints and the notebook it writes.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task A_run_injects_typed_parameters_writes_the_output_notebook_and_exits_zero()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "report.ipynb", "label = 'x'\ncount: int = 1\nratio = 0.5",
            "print(repr(label), count * 2, ratio)");
        var output = Path.Combine(dir, "out", "report.out.ipynb");

        var result = await NbfProcess.RunAsync("run", nb, "-p", "label=123", "-p", "count=21", "-p", "ratio=2", "-o", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("succeeded", result.Stderr);
        Assert.Contains("[  1/3]", result.Stderr);
        var written = JsonNode.Parse(File.ReadAllText(output))!;
        var printed = written["cells"]![2]!["outputs"]![0]!["text"]!.AsArray();
        Assert.Equal("'123' 42 2\n", printed[0]!.GetValue<string>());
        Assert.Equal("succeeded", written["metadata"]!["notebook_functions"]!["status"]!.GetValue<string>());
        Assert.Equal(21, written["metadata"]!["papermill"]!["parameters"]!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_failing_cell_exits_non_zero_with_one_line_naming_the_cell()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "fails.ipynb", null, "x = 1", "raise RuntimeError('disk full')");

        var result = await NbfProcess.RunAsync("run", nb);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"nbf run: {nb}: error in cell 1 (id 'c1'), In [2]: RuntimeError: disk full", result.Stderr);
        var written = File.ReadAllText(Path.Combine(dir, "fails.output.ipynb"));
        Assert.Contains("papermill-error-cell-tag", written);
    }

    [Fact]
    public async Task Bad_parameters_are_refused_before_any_kernel_starts()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "typed.ipynb", "count: int = 1", "print(count)");

        var unknown = await NbfProcess.RunAsync("run", nb, "-p", "cuont=3");
        var mistyped = await NbfProcess.RunAsync("run", nb, "-p", "count=three");

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("parameter 'cuont': unknown parameter; the notebook declares count", unknown.Stderr);
        Assert.Equal(2, mistyped.ExitCode);
        Assert.Contains("parameter 'count': expected int, got the string \"three\"", mistyped.Stderr);
        Assert.DoesNotContain("kernel python3 ready", mistyped.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "typed.output.ipynb")));
    }

    [Fact]
    public async Task A_command_line_that_does_not_parse_exits_2_with_one_line_per_error_and_no_help_page()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "n.ipynb", null, "print(1)");

        var notANumber = await NbfProcess.RunAsync("run", nb, "--parallel", "abc");
        var mistyped = await NbfProcess.RunAsync("run", nb, "--paralel", "3");
        var noCommand = await NbfProcess.RunAsync("stauts", "some-run");
        var takenAsTheNotebook = await NbfProcess.RunAsync("run", "--detatch", nb);
        var afterDoubleDash = await NbfProcess.RunAsync("run", nb, "--", "--parallel", "3");
        var empty = await NbfProcess.RunAsync("run", "");

        Assert.Equal(2, notANumber.ExitCode);
        Assert.Contains("nbf run: Cannot parse argument 'abc' for option '--parallel'", notANumber.Stderr);
        Assert.Contains("See 'nbf run --help'", notANumber.Stderr);
        Assert.DoesNotContain("Options:", notANumber.Stderr + notANumber.Stdout);
        Assert.Equal(2, mistyped.ExitCode);
        Assert.Contains("nbf run: did you mean '--parallel' instead of '--paralel'?", mistyped.Stderr);
        Assert.Equal(2, noCommand.ExitCode);
        Assert.Contains("nbf: did you mean 'status' instead of 'stauts'?", noCommand.Stderr);
        Assert.Equal(2, takenAsTheNotebook.ExitCode);
        Assert.Contains("nbf run: did you mean '--detach' instead of '--detatch'?", takenAsTheNotebook.Stderr);
        Assert.Equal(2, afterDoubleDash.ExitCode);
        Assert.DoesNotContain("did you mean", afterDoubleDash.Stderr);
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("nbf run: '': the notebook's path is empty", empty.Stderr);
        Assert.DoesNotContain("Unhandled exception", empty.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "n.output.ipynb")));
    }

    [Fact]
    public async Task A_parameters_file_is_read_and_command_line_values_override_it()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "p.ipynb", "a = 0\nb = 'x'\nc = []\nd = None", "print(a, b, c, d)");
        var yaml = Path.Combine(dir, "params.yaml");
        await File.WriteAllTextAsync(yaml, "a: 5\nb: \"7\"\nc: [1, two]\nd: null\n");

        var result = await NbfProcess.RunAsync("run", nb, "-f", yaml, "-p", "a=6", "--log-output");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("6 7 [1, 'two'] None", result.Stdout);
    }

    [Fact]
    public async Task The_kernel_runs_in_the_notebooks_folder_by_default_and_in_cwd_when_given()
    {
        var dir = NbfProcess.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(dir, "input.txt"), "beside the notebook");
        var other = NbfProcess.TempFolder();
        await File.WriteAllTextAsync(Path.Combine(other, "input.txt"), "in the other folder");
        var nb = TestNotebooks.Write(dir, "reads.ipynb", null, "print(open('input.txt').read())");

        var byDefault = await NbfProcess.RunAsync("run", nb, "--log-output");
        var withCwd = await NbfProcess.RunAsync("run", nb, "--log-output", "--cwd", other);

        Assert.Contains("beside the notebook", byDefault.Stdout);
        Assert.Contains("in the other folder", withCwd.Stdout);
    }

    [Fact]
    public async Task A_cell_timeout_stops_the_kernel_and_fails_the_run()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "spin.ipynb", null, "while True: pass");

        var result = await NbfProcess.RunAsync("run", nb, "--cell-timeout", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cell timed out in cell 0", result.Stderr);
    }

    [Fact]
    public async Task Allow_errors_keeps_going_and_succeeds()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "allowed.ipynb", null, "1/0", "print('still here')");

        var result = await NbfProcess.RunAsync("run", nb, "--allow-errors", "--log-output");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("still here", result.Stdout);
        Assert.Contains("error (allowed)", result.Stderr);
    }

    [Fact]
    public async Task A_missing_or_broken_notebook_is_bad_input()
    {
        var dir = NbfProcess.TempFolder();
        var broken = Path.Combine(dir, "broken.ipynb");
        await File.WriteAllTextAsync(broken, "{ not json");

        var missing = await NbfProcess.RunAsync("run", Path.Combine(dir, "nope.ipynb"));
        var bad = await NbfProcess.RunAsync("run", broken);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("cannot read the file", missing.Stderr);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("not valid JSON", bad.Stderr);
    }
}
