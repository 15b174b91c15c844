using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Cli.Tests;

/// <summary><c>nbf publish x.pipeline.yaml --api URL</c>: the notebook files it names, then the pipeline pinned to them.</summary>
[Collection(ServeProcess.Collection)]
public sealed class PublishPipelineCommandTests
{
    [Fact]
    public async Task A_pipeline_file_is_published_after_the_notebooks_it_names_and_a_refused_one_publishes_nothing()
    {
        await using var serve = await ServeProcess.StartAsync();
        var keyed = new Dictionary<string, string> { ["NBF_API_KEY"] = serve.ApiKey };
        var folder = NbfProcess.TempFolder();
        var notebook = $"pstep-{Guid.NewGuid():N}"[..14];
        TestNotebooks.Write(folder, notebook + ".ipynb", "input_path = 'in'\noutput_dir = 'out'\nrows: int = 1", "print(rows)");
        var name = $"report-{Guid.NewGuid():N}"[..15];
        var path = Path.Combine(folder, name + ".pipeline.yaml");
        await File.WriteAllTextAsync(path, $$"""
            parameters:
              rows: 2
            steps:
              make:
                notebook: {{notebook}}.ipynb
                parameters: {rows: "${rows}"}
              count:
                notebook: {{notebook}}.ipynb
                depends_on: [make]
                input: {step: make}
            """);

        var first = await NbfProcess.RunAsync(keyed, "publish", path, "--api", serve.ApiUrl);
        var again = await NbfProcess.RunAsync(keyed, "publish", path, "--api", serve.ApiUrl);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Matches($"^{notebook} -> [0-9a-f]{{64}}\n{name} -> [0-9a-f]{{64}}\n$", first.Stdout);
        Assert.Equal(first.Stdout.Replace("\n", " (unchanged)\n", StringComparison.Ordinal), again.Stdout);
        var notebookVersion = first.Stdout.Split('\n')[0].Split(" -> ")[1];
        var pipeline = (await serve.Http.GetFromJsonAsync<JsonObject>($"api/pipelines/{name}"))!;
        Assert.Equal(first.Stdout.Split('\n')[1].Split(" -> ")[1], pipeline["version"]!.GetValue<string>());
        // The pipeline runs the notebook versions published with it, whatever is published later.
        var make = pipeline["definition"]!["steps"]!["make"]!;
        Assert.Equal((notebook, notebookVersion), (make["notebook"]!.GetValue<string>(), make["version"]!.GetValue<string>()));

        // Refused here (a cycle): not even its notebook is published. Refused by the API (a notebook never published): the field it names.
        var lonely = $"lonely-{Guid.NewGuid():N}"[..15];
        TestNotebooks.Write(folder, lonely + ".ipynb", "x = 1", "print(x)");
        var cyclicName = $"cyclic-{Guid.NewGuid():N}"[..15];
        var cyclic = Path.Combine(folder, cyclicName + ".pipeline.yaml");
        await File.WriteAllTextAsync(cyclic, $"steps:\n  a: {{notebook: {lonely}.ipynb, depends_on: [b]}}\n  b: {{notebook: {lonely}.ipynb, depends_on: [a]}}\n");
        var ghostly = Path.Combine(folder, "ghostly.pipeline.json");
        await File.WriteAllTextAsync(ghostly, """{"steps": {"x": {"notebook": "ghost-never-published"}}}""");

        var cycle = await NbfProcess.RunAsync(keyed, "publish", cyclic, "--api", serve.ApiUrl);
        var ghost = await NbfProcess.RunAsync(keyed, "publish", ghostly, "--api", serve.ApiUrl);

        Assert.Equal(2, cycle.ExitCode);
        Assert.Contains("a -> b -> a (field 'steps.a.depends_on')", cycle.Stderr);
        Assert.Equal(HttpStatusCode.NotFound, (await serve.Http.GetAsync($"api/notebooks/{lonely}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await serve.Http.GetAsync($"api/pipelines/{cyclicName}")).StatusCode);
        Assert.Equal(5, ghost.ExitCode);
        Assert.Contains("(field 'steps.x.notebook')", ghost.Stderr);
        Assert.Empty(ghost.Stdout);
    }
}
