using System.Net;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Api.Tests;

/// <summary>PUT /api/notebooks/{name}?requireTests=true: the tests the notebook carries run on the backend before anything is stored.</summary>
public sealed class PublishRequireTestsTests
{
    /// <summary>A notebook that sums a CSV's values and glues the total, carrying the given tests.</summary>
    private static string Carrying(JsonObject? tests, bool savedOutputs = false, string saved = "6.0")
    {
        var notebook = TestNotebooks.Build(
            "input_path = 'none'\noutput_dir = 'out'",
            "import pandas as pd\nfrom IPython.display import display\ntotal = float(pd.read_csv(input_path)['value'].sum()) if input_path.endswith('.csv') else 6.0\n"
                + "display({'application/scrapbook.scrap.json+json': {'name': 'total', 'data': total, 'encoder': 'json', 'version': 1}}, raw=True)",
            "print(6.0)");
        if (tests is not null) notebook.Metadata["notebook_functions"] = new JsonObject { ["tests"] = tests };
        if (savedOutputs)
        {
            notebook.Cells[2].ExecutionCount = 3;
            notebook.Cells[2].Outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray(saved + "\n") });
        }

        return notebook.ToText();
    }

    [Fact]
    public async Task Carried_cases_run_over_their_sample_blobs_and_only_a_notebook_whose_tests_pass_is_stored()
    {
        await using var api = await ApiHarness.StartAsync();
        var container = await ApiHarness.UploadInputAsync("samples/values.csv", "id,value\n1,1\n2,2\n3,3\n");
        var input = $"{container.Name}/samples/values.csv";
        var good = ApiHarness.NewName("gate-ok");
        var bad = ApiHarness.NewName("gate-bad");
        JsonObject Tests(int total) => new() { ["cases"] = new JsonArray(new JsonObject { ["name"] = "sum", ["input"] = input, ["expect"] = new JsonObject { ["scraps"] = new JsonObject { ["total"] = total } } }) };

        var (passed, stored) = await api.PublishAsync(good + "?requireTests=true", Carrying(Tests(6), savedOutputs: true));
        var (failed, problem) = await api.PublishAsync(bad + "?requireTests=true", Carrying(Tests(7)));
        var (stale, staleProblem) = await api.PublishAsync(bad + "?requireTests=true", Carrying(null, savedOutputs: true, saved: "5.0"));

        Assert.True(passed.StatusCode == HttpStatusCode.Created, stored.ToJsonString());
        Assert.Matches("^[0-9a-f]{64}$", stored["version"]!.GetValue<string>());
        Assert.Equal(["regression", "sum"], stored["tests"]!.AsArray().Select(t => t!["test"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.StatusCode);
        Assert.Equal("Tests failed", problem["title"]!.GetValue<string>());
        var failure = problem["failures"]!.AsArray().Single()!;
        Assert.Equal(("sum", "scrap 'total' is 6.0, expected 7"), (failure["test"]!.GetValue<string>(), failure["message"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stale.StatusCode);
        var regression = staleProblem["failures"]!.AsArray()[0]!;
        Assert.Equal(("regression", 2), (regression["test"]!.GetValue<string>(), regression["cell"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{bad}")).Response.StatusCode);
    }

    [Fact]
    public async Task Tests_that_cannot_run_are_refused_naming_the_field_and_nothing_is_stored()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("gate-refused");
        JsonObject WithInput(string input) => new() { ["cases"] = new JsonArray(new JsonObject { ["name"] = "a", ["input"] = input }) };

        var (none, noneProblem) = await api.PublishAsync(name + "?requireTests=true", Carrying(null));
        var (maybe, maybeProblem) = await api.PublishAsync(name + "?requireTests=maybe", Carrying(null));
        var (local, localProblem) = await api.PublishAsync(name + "?requireTests=true", Carrying(WithInput("../data.csv")));
        var (ghost, ghostProblem) = await api.PublishAsync(name + "?requireTests=true", Carrying(WithInput("inputs/ghost-" + Guid.NewGuid().ToString("N") + ".csv")));
        var (reserved, reservedProblem) = await api.PublishAsync(name + "?requireTests=true", Carrying(WithInput("run-index/all/x")));
        var (typo, typoProblem) = await api.PublishAsync(name + "?requireTests=true", Carrying(new JsonObject { ["case"] = new JsonArray() }));
        var (secret, secretProblem) = await api.PublishAsync(name + "?requireTests=true", Carrying(new JsonObject { ["cases"] = new JsonArray(new JsonObject { ["name"] = "a", ["secrets"] = new JsonArray("HOME") }) }));
        var (twice, twiceProblem) = await api.PublishAsync(name + "?requireTests=true&requireTests=false", Carrying(null));
        var (typoParameter, typoParameterProblem) = await api.PublishAsync(name + "?requireTests=true", Carrying(new JsonObject { ["cases"] = new JsonArray(new JsonObject { ["name"] = "a", ["parameters"] = new JsonObject { ["input_pth"] = "x" } }) }));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "requireTests"), (none.StatusCode, noneProblem["field"]!.GetValue<string>()));
        Assert.Contains("carries no tests", noneProblem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "requireTests"), (maybe.StatusCode, maybeProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "metadata.notebook_functions.tests.cases[0].input"), (local.StatusCode, localProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "metadata.notebook_functions.tests.cases[0].input"), (ghost.StatusCode, ghostProblem["field"]!.GetValue<string>()));
        Assert.Contains("does not exist", ghostProblem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "metadata.notebook_functions.tests.cases[0].input"), (reserved.StatusCode, reservedProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "metadata.notebook_functions.tests.case"), (typo.StatusCode, typoProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "metadata.notebook_functions.tests.cases[0].secrets"), (secret.StatusCode, secretProblem["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "requireTests"), (twice.StatusCode, twiceProblem["field"]!.GetValue<string>()));
        // Checked against the notebook's schema before any sample is downloaded or kernel started.
        Assert.Equal((HttpStatusCode.BadRequest, "metadata.notebook_functions.tests.cases[0].parameters.input_pth"), (typoParameter.StatusCode, typoParameterProblem["field"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{name}")).Response.StatusCode);
    }
}
