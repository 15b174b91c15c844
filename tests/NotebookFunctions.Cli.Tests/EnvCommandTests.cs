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
}
