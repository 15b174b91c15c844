using System.Text.Json.Nodes;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Execution;

/// <summary>metadata.papermill describes this run, whole, also in a notebook an earlier papermill run left its record in.</summary>
public sealed class PapermillMetadataTests
{
    [Fact]
    public async Task What_an_earlier_papermill_run_left_is_replaced_by_this_runs_paths_times_and_parameters()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-papermill-").FullName;
        var notebook = TestNotebooks.Build("x = 1", "print(x)");
        notebook.Metadata["papermill"] = JsonNode.Parse("""
            {"input_path": "old.ipynb", "output_path": "old-out.ipynb", "start_time": "2020-01-01T00:00:00.000000Z",
             "end_time": "2020-01-01T00:01:39.000000Z", "duration": 99.0, "exception": true, "parameters": {"x": 5},
             "environment_variables": {"OLD": "1"}, "stale_key": "from papermill"}
            """);
        var input = Path.Combine(folder, "in.ipynb");
        var output = Path.Combine(folder, "out.ipynb");
        await File.WriteAllTextAsync(input, notebook.ToText());
        var before = DateTimeOffset.UtcNow;

        var plain = await new NotebookRunner(new NotebookExecutor()).RunAsync(new NotebookRunRequest { NotebookPath = input, OutputPath = output });
        var withParameters = await new NotebookRunner(new NotebookExecutor()).RunAsync(new NotebookRunRequest { NotebookPath = input, Parameters = new JsonObject { ["x"] = 7 } });

        Assert.True(plain.Succeeded);
        var record = (JsonObject)NotebookReader.Read(output).Metadata["papermill"]!;
        Assert.Equal(input, record["input_path"]!.GetValue<string>());
        Assert.Equal(output, record["output_path"]!.GetValue<string>());
        Assert.True(DateTimeOffset.Parse(record["start_time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= before.AddSeconds(-1));
        Assert.True(record["duration"]!.GetValue<double>() < 60);
        Assert.False(record["exception"]!.GetValue<bool>());
        Assert.Empty(record["parameters"]!.AsObject());
        Assert.Empty(record["environment_variables"]!.AsObject());
        Assert.Null(record["stale_key"]);
        Assert.Equal(7, withParameters.Notebook.Metadata["papermill"]!["parameters"]!["x"]!.GetValue<int>());
    }
}
