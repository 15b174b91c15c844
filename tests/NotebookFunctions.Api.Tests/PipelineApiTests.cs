using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Api.Tests;

/// <summary>PUT/GET /api/pipelines and POST /api/pipelines/{name}/runs, end to end on real kernels; the run read through /api/runs.</summary>
public sealed class PipelineApiTests
{
    /// <summary>Writes output_dir/{label}.txt: a line "row" per row, then the name of every file its input holds.</summary>
    internal static string StepNotebook() => ApiHarness.NotebookText(
        "input_path = 'in'\noutput_dir = 'out'\nrows: int = 1\nlabel = 'step'",
        "import os\nseen = sorted(f for _, _, fs in os.walk(input_path) for f in fs)\nos.makedirs(output_dir, exist_ok=True)\n" +
        "with open(os.path.join(output_dir, label + '.txt'), 'w') as f:\n    f.write('\\n'.join(['row'] * rows + seen) + '\\n')");

    /// <summary>"make" writes rows; "count", after it, reads what make wrote.</summary>
    internal static string TwoSteps(string notebook) => $$"""
        {
          "description": "make rows, then list them",
          "parameters": {"rows": 3, "label": {"type": "str", "default": "make", "description": "what make calls its file"} },
          "steps": {
            "make": {"notebook": "{{notebook}}", "parameters": {"rows": "${rows}", "label": "${label}"} },
            "count": {"notebook": "{{notebook}}", "depends_on": ["make"], "input": {"step": "make"}, "parameters": {"label": "count"} }
          }
        }
        """;

    internal static async Task<(HttpResponseMessage Response, JsonObject Body)> PutAsync(ApiHarness api, string name, string definition, string? key = null)
    {
        var headers = new Dictionary<string, string>();
        if (key is not null) headers["X-API-Key"] = key;
        return await api.SendAsync(HttpMethod.Put, $"/api/pipelines/{name}", JsonNode.Parse(definition), headers);
    }

    [Fact]
    public async Task A_published_pipeline_is_read_back_and_its_run_is_followed_through_the_runs_api_until_every_step_completed()
    {
        await using var api = await ApiHarness.StartAsync();
        var notebook = ApiHarness.NewName("step");
        await api.PublishAsync(notebook, StepNotebook());
        var name = ApiHarness.NewName("pipe");

        var (created, published) = await PutAsync(api, name, TwoSteps(notebook));
        var (unchanged, again) = await PutAsync(api, name, TwoSteps(notebook));

        Assert.True(created.StatusCode == HttpStatusCode.Created, published.ToJsonString());
        var version = published["version"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{64}$", version);
        Assert.True(published["created"]!.GetValue<bool>());
        Assert.Equal($"/api/pipelines/{name}?version={version}", created.Headers.Location!.OriginalString);
        Assert.Equal(["make", "count"], published["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, unchanged.StatusCode);
        Assert.Equal(version, again["version"]!.GetValue<string>());
        Assert.False(again["created"]!.GetValue<bool>());

        var (read, pipeline) = await api.SendAsync(HttpMethod.Get, $"/api/pipelines/{name}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal((version, version), (pipeline["version"]!.GetValue<string>(), pipeline["latest"]!.GetValue<string>()));
        Assert.Equal([version], pipeline["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<string>()));
        var parameters = pipeline["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>());
        Assert.Equal(("int", 3, false), (parameters["rows"]!["type"]!.GetValue<string>(), parameters["rows"]!["default"]!.GetValue<int>(), parameters["rows"]!["required"]!.GetValue<bool>()));
        Assert.Equal("what make calls its file", parameters["label"]!["description"]!.GetValue<string>());
        Assert.Equal(["make"], pipeline["definition"]!["steps"]!["count"]!["depends_on"]!.AsArray().Select(d => d!.GetValue<string>()));
        var (byVersion, pinned) = await api.SendAsync(HttpMethod.Get, $"/api/pipelines/{name}?version={version}");
        Assert.Equal(HttpStatusCode.OK, byVersion.StatusCode);
        Assert.Equal(version, pinned["version"]!.GetValue<string>());
        var (_, list) = await api.SendAsync(HttpMethod.Get, "/api/pipelines");
        var listed = list["pipelines"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!;
        Assert.Equal([version], listed["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<string>()));

        var key = new Dictionary<string, string> { ["Idempotency-Key"] = $"pipe-{Guid.NewGuid():N}" };
        var (accepted, started) = await api.SendAsync(HttpMethod.Post, $"/api/pipelines/{name}/runs", new { parameters = new { rows = 2 } }, key);
        var (retried, found) = await api.SendAsync(HttpMethod.Post, $"/api/pipelines/{name}/runs", new { parameters = new { rows = 2 } }, key);

        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, started.ToJsonString());
        var id = started["id"]!.GetValue<string>();
        Assert.Equal($"/api/runs/{id}", accepted.Headers.Location!.OriginalString);
        Assert.Equal((name, version, true), (started["pipeline"]!.GetValue<string>(), started["version"]!.GetValue<string>(), started["started"]!.GetValue<bool>()));
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal((id, false), (found["id"]!.GetValue<string>(), found["started"]!.GetValue<bool>()));
        var run = await api.WaitForRunAsync(id);
        Assert.True(run["status"]!.GetValue<string>() == "Completed", run.ToJsonString());
        Assert.Equal(name, run["pipeline"]!.GetValue<string>());
        var steps = run["steps"]!.AsArray();
        Assert.Equal(["make", "count"], steps.Select(s => s!["name"]!.GetValue<string>()));
        Assert.All(steps, s => Assert.Equal("Completed", s!["status"]!.GetValue<string>()));
        // The run's value of rows reached make, and count read make's file.
        var runs = new RunStore(ApiHarness.Blobs);
        Assert.Equal("row\nrow\n", await runs.DownloadTextAsync(StorageLayout.ResultsPrefix(StorageLayout.StepRecord(id, "make")) + "make.txt"));
        Assert.Equal("row\nmake.txt\n", await runs.DownloadTextAsync(StorageLayout.ResultsPrefix(StorageLayout.StepRecord(id, "count")) + "count.txt"));
    }

    [Fact]
    public async Task A_reader_reads_pipelines_but_can_neither_publish_nor_run_one()
    {
        await using var api = await ApiHarness.StartAsync();
        var notebook = ApiHarness.NewName("step");
        await api.PublishAsync(notebook, StepNotebook());
        var name = ApiHarness.NewName("pipe");
        await PutAsync(api, name, TwoSteps(notebook));
        var reader = new Dictionary<string, string> { ["X-API-Key"] = ApiHarness.ReaderKey };

        var (publish, refused) = await PutAsync(api, ApiHarness.NewName("pipe"), TwoSteps(notebook), ApiHarness.ReaderKey);
        var (run, _) = await api.SendAsync(HttpMethod.Post, $"/api/pipelines/{name}/runs", new { }, reader);
        var (get, _) = await api.SendAsync(HttpMethod.Get, $"/api/pipelines/{name}", headers: reader);
        var (list, _) = await api.SendAsync(HttpMethod.Get, "/api/pipelines", headers: reader);

        Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        Assert.Contains("Notebooks.Publisher", refused["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var instances = new List<string>();
        await foreach (var instance in api.Client.GetAllInstancesAsync(new Microsoft.DurableTask.Client.OrchestrationQuery { InstanceIdPrefix = name }))
            instances.Add(instance.InstanceId);
        Assert.Empty(instances);
    }

    [Fact]
    public async Task A_pipeline_published_with_its_source_headers_keeps_where_it_came_from()
    {
        await using var api = await ApiHarness.StartAsync();
        var notebook = ApiHarness.NewName("step");
        await api.PublishAsync(notebook, StepNotebook());
        var name = ApiHarness.NewName("pipe");
        var source = new NotebookSource(new string('c', 40), "pipelines/two steps.pipeline.yaml", dirty: true);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/pipelines/{name}") { Content = new StringContent(TwoSteps(notebook), Encoding.UTF8, "application/json") };
        foreach (var (header, value) in Endpoints.NotebooksApi.SourceHeaders(source)) request.Headers.Add(header, value);

        var response = await api.Http.SendAsync(request);
        var (_, pipeline) = await api.SendAsync(HttpMethod.Get, $"/api/pipelines/{name}");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = pipeline["versions"]!.AsArray().Single()!["source"]!;
        Assert.Equal((source.Commit, source.Path, true), (stored["commit"]!.GetValue<string>(), stored["path"]!.GetValue<string>(), stored["dirty"]!.GetValue<bool>()));
    }
}
