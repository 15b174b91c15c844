using System.Text.Json.Nodes;

namespace NotebookFunctions.Cli.Tests;

/// <summary><c>nbf env NOTEBOOK</c>: the notebook's requirements against its kernel's environment, as a user runs it.</summary>
public sealed class EnvCommandTests
{
    private static string Requiring(string folder, string name, params string[] requirements)
    {
        var notebook = TestNotebooks.Of("print(1)");
        notebook.Metadata["notebook_functions"] = new JsonObject { ["requirements"] = new JsonArray(requirements.Select(r => (JsonNode?)r).ToArray()) };
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, notebook.ToText());
        return path;
    }

    [Fact]
    public async Task Met_requirements_exit_0_unmet_ones_exit_1_naming_required_and_found_and_a_malformed_one_exits_2()
    {
        var folder = NbfProcess.TempFolder();
        var met = await NbfProcess.RunAsync("env", Requiring(folder, "met.ipynb", "pandas>=1", "numpy"));
        var unmet = await NbfProcess.RunAsync("env", Requiring(folder, "unmet.ipynb", "pandas<1", "no-such-package-nbf"), "--json");
        var malformed = await NbfProcess.RunAsync("env", Requiring(folder, "bad.ipynb", "pandas >= = 1"));

        Assert.True(met.ExitCode == 0, met.Stderr);
        Assert.Matches(@"python 3\.\d+\.\d+", met.Stdout);
        Assert.Contains("ok   pandas>=1: ok (", met.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, unmet.ExitCode);
        var report = JsonNode.Parse(unmet.Stdout)!;
        Assert.False(report["satisfied"]!.GetValue<bool>());
        Assert.Equal("pandas<1", report["requirements"]![0]!["requirement"]!.GetValue<string>());
        Assert.NotNull(report["requirements"]![0]!["found"]);
        Assert.Null(report["requirements"]![1]!["found"]);
        Assert.Contains("no-such-package-nbf: not installed", unmet.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, malformed.ExitCode);
        Assert.Contains("metadata.notebook_functions.requirements[0]", malformed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_diff_compares_the_environments_two_runs_recorded_and_refuses_an_unknown_run()
    {
        var folder = NbfProcess.TempFolder();
        var environment = new Dictionary<string, string> { ["NBF_TASK_HUB"] = $"nbfe{Guid.NewGuid():N}"[..16] };
        var notebook = TestNotebooks.Write(folder, "echo.ipynb", "input_path = 'x'\noutput_dir = 'out'", "print(open(input_path).read())");
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, "a\n1\n");
        var (a, b) = ($"enva-{Guid.NewGuid():N}"[..16], $"envb-{Guid.NewGuid():N}"[..16]);
        var first = await NbfProcess.RunAsync(environment, "run", notebook, "--input", data, "--run-id", a);
        var second = await NbfProcess.RunAsync(environment, "run", notebook, "--input", data, "--run-id", b);
        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Stderr + second.Stderr);

        var same = await NbfProcess.RunAsync(environment, "env", "diff", a, b);
        var unknown = await NbfProcess.RunAsync(environment, "env", "diff", a, "no-such-run");

        Assert.True(same.ExitCode == 0, same.Stdout + same.Stderr);
        Assert.Matches(@"^python 3\.\d+\.\d+ -> 3\.\d+\.\d+ \(same\)\n$", same.Stdout);
        Assert.Contains("the same environment", same.Stderr, StringComparison.Ordinal);
        Assert.Equal(5, unknown.ExitCode);
        Assert.Contains("no run with id 'no-such-run'", unknown.Stderr, StringComparison.Ordinal);
    }
}
