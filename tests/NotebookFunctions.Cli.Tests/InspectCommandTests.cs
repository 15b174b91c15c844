using System.Text.Json.Nodes;

namespace NotebookFunctions.Cli.Tests;

public sealed class InspectCommandTests
{
    [Fact]
    public async Task Inspect_prints_the_parameter_schema_as_json()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "s.ipynb", "region = 'west'  # which region\nlimit: int = 10\nwhen = None", "pass");

        var result = await NbfProcess.RunAsync("inspect", nb, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var schema = JsonNode.Parse(result.Stdout)!;
        var parameters = schema["parameters"]!.AsArray();
        Assert.Equal(["region:str:'west':which region", "limit:int:10:", "when:None:None:"],
            parameters.Select(p => $"{p!["name"]}:{p["type"]}:{p["default"]}:{p["help"]}"));
        Assert.Equal(0, schema["parameters_cell"]!.GetValue<int>());
        // Readable as written: quotes are quotes.
        Assert.Contains("\"default\": \"'west'\"", result.Stdout);
        Assert.DoesNotContain("\\u0027", result.Stdout);
    }

    [Fact]
    public async Task Inspect_as_a_table_names_each_parameter()
    {
        var dir = NbfProcess.TempFolder();
        var nb = TestNotebooks.Write(dir, "s.ipynb", "threshold = 0.75  # cut-off", "pass");

        var result = await NbfProcess.RunAsync("inspect", nb);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("threshold", result.Stdout);
        Assert.Contains("float", result.Stdout);
        Assert.Contains("cut-off", result.Stdout);
    }

    [Fact]
    public async Task Validate_reports_each_broken_notebook_and_exits_non_zero()
    {
        var dir = NbfProcess.TempFolder();
        var good = TestNotebooks.Write(dir, "good.ipynb", null, "1");
        var bad = Path.Combine(dir, "bad.ipynb");
        await File.WriteAllTextAsync(bad, """{"nbformat": 3, "nbformat_minor": 0}""");

        var result = await NbfProcess.RunAsync("validate", good, bad);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("good.ipynb: valid nbformat 4.5, 1 cells", result.Stdout);
        Assert.Contains("nbformat 3 is not supported", result.Stderr);
    }
}
