using System.Net;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Api.Tests;

/// <summary>POST/GET /api/runs and their cancel, repair and chunk notebook links, end to end on real kernels.</summary>
public sealed class RunApiTests
{
    private const string Csv = "region,amount\nnorth,1\nsouth,2\nnorth,3\neast,4\nsouth,5\nwest,6\n";

    private static string SumNotebook(string failWhenFileExists = "/nonexistent") => ApiHarness.NotebookText(
        "input_path = 'x.csv'\noutput_dir = 'out'\nscale: int = 1",
        "import os, pandas as pd\n" +
        $"if os.path.exists({Python(failWhenFileExists)}) and chunk_index == 1:\n    raise RuntimeError('chunk 1 refuses to run')",
        "df = pd.read_csv(input_path)\ndf['amount'] = df['amount'] * scale\nos.makedirs(output_dir, exist_ok=True)\ndf.groupby('region', as_index=False)['amount'].sum().to_csv(os.path.join(output_dir, 'sums.csv'), index=False)");

    private static string Python(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static object RunBody(string notebook, string container, object? parameters = null, string onChunkFailure = "failFast", int maxAttempts = 1) => new
    {
        notebook,
        parameters = parameters ?? new { scale = 10 },
        input = new { container, prefix = "sales.csv", chunkSize = "1KB" },
        onChunkFailure,
        maxAttempts,
        maxParallelChunks = 2,
    };

    [Fact]
    public async Task A_run_is_accepted_then_reported_with_its_chunks_and_executed_notebooks()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("sum");
        await api.PublishAsync(name, SumNotebook());
        var input = await ApiHarness.UploadInputAsync("sales.csv", string.Concat(Enumerable.Repeat(Csv[13..], 60)).Insert(0, "region,amount\n"));

        var (accepted, body) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, input.Name));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = body["id"]!.GetValue<string>();
        Assert.StartsWith(name + "-", id);
        Assert.Equal($"/api/runs/{id}", accepted.Headers.Location!.OriginalString);
        var run = await api.WaitForRunAsync(id);
        Assert.Equal("Completed", run["status"]!.GetValue<string>());
        var chunks = run["chunks"]!.AsArray();
        Assert.True(chunks.Count >= 2, run.ToJsonString());
        var (notebookResponse, executed) = await api.SendAsync(HttpMethod.Get, chunks[1]!["notebook"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, notebookResponse.StatusCode);
        Assert.Equal("application/x-ipynb+json", notebookResponse.Content.Headers.ContentType!.MediaType);
        Assert.Contains("injected-parameters", executed.ToJsonString());

        var (list, runs) = await api.SendAsync(HttpMethod.Get, $"/api/runs?notebook={name}");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(id, runs["runs"]!.AsArray().Single()!["id"]!.GetValue<string>());
        var (ended, conflict) = await api.SendAsync(HttpMethod.Post, $"/api/runs/{id}/cancel");
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        Assert.Contains("already ended", conflict["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_same_idempotency_key_never_starts_a_second_run()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("idem");
        await api.PublishAsync(name, SumNotebook());
        var input = await ApiHarness.UploadInputAsync("sales.csv", Csv);
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "order-2026-11-25" };

        var (_, first) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, input.Name), headers);
        var (retry, second) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, input.Name), headers);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
        Assert.True(first["started"]!.GetValue<bool>());
        Assert.False(second["started"]!.GetValue<bool>());
        await api.WaitForRunAsync(first["id"]!.GetValue<string>());

        // Retries racing each other: exactly one of them starts the run.
        var raced = new Dictionary<string, string> { ["Idempotency-Key"] = "race-" + Guid.NewGuid() };
        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, input.Name), raced)));
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.Accepted, r.Response.StatusCode));
        Assert.Single(replies.Select(r => r.Body["id"]!.GetValue<string>()).Distinct());
        Assert.Equal(1, replies.Count(r => r.Body["started"]!.GetValue<bool>()));
        await api.WaitForRunAsync(replies[0].Body["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Runs_are_listed_a_page_at_a_time_and_filtered_by_notebook_and_status()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("page");
        var other = ApiHarness.NewName("other");
        await api.PublishAsync(name, SumNotebook());
        await api.PublishAsync(other, SumNotebook());
        var input = await ApiHarness.UploadInputAsync("sales.csv", Csv);
        var started = new List<string>();
        foreach (var notebook in new[] { name, name, name, other })
        {
            var (_, body) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(notebook, input.Name));
            started.Add(body["id"]!.GetValue<string>());
        }

        foreach (var id in started) await api.WaitForRunAsync(id);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = $"/api/runs?notebook={name}&top=2" + (token is null ? string.Empty : $"&continuationToken={Uri.EscapeDataString(token)}");
            var (response, page) = await api.SendAsync(HttpMethod.Get, query);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var runs = page["runs"]!.AsArray();
            Assert.True(runs.Count <= 2);
            seen.AddRange(runs.Select(r => r!["id"]!.GetValue<string>()));
            token = page["continuationToken"]?.GetValue<string>();
            pages++;
        }
        while (token is not null && pages < 10);

        // From the run index: a notebook's runs, newest first, whatever else the task hub holds.
        Assert.Equal(started.Take(3).Reverse(), seen);
        Assert.Equal(2, pages);
        var (_, completed) = await api.SendAsync(HttpMethod.Get, $"/api/runs?notebook={other}&status=completed");
        Assert.Equal(started[3], completed["runs"]!.AsArray().Single()!["id"]!.GetValue<string>());
        var (_, failed) = await api.SendAsync(HttpMethod.Get, $"/api/runs?notebook={other}&status=failed");
        Assert.Empty(failed["runs"]!.AsArray());
        var (badStatus, problem) = await api.SendAsync(HttpMethod.Get, "/api/runs?status=sideways");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal("status", problem["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_requests_are_refused_before_anything_is_scheduled_naming_what_is_wrong()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("bad");
        await api.PublishAsync(name, SumNotebook());
        var input = await ApiHarness.UploadInputAsync("sales.csv", Csv);

        var (unknownParameter, p) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, input.Name, new { scael = 2 }));
        var (wrongType, t) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, input.Name, new { scale = "ten" }));
        var (noContainer, c) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, "no-such-container"));
        var (noNotebook, n) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(ApiHarness.NewName("ghost"), input.Name));
        var (badJson, j) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name, maxParallelChunks = "many" });
        var (noName, nn) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { input = new { container = input.Name } });
        var (noInput, ni) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name });
        var (traversal, tr) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody("../" + name, input.Name));
        var (badMode, bm) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name, input = new { container = input.Name, mode = "sideways" } });
        var (unknownSecret, us) = await api.SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name, input = new { container = input.Name, prefix = "sales.csv" }, secrets = new[] { "NBF_NO_SUCH_SECRET_ANYWHERE" } });

        Assert.Equal(HttpStatusCode.BadRequest, unknownParameter.StatusCode);
        Assert.Equal("scael", p["parameters"]![0]!["parameter"]!.GetValue<string>());
        Assert.Contains("scale", p["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal("scale", t["parameters"]![0]!["parameter"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, noContainer.StatusCode);
        Assert.Equal("input.container", c["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, noNotebook.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Equal("maxParallelChunks", j["field"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.BadRequest, "notebook"), (noName.StatusCode, nn["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "input.container"), (noInput.StatusCode, ni["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "notebook"), (traversal.StatusCode, tr["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "input.mode"), (badMode.StatusCode, bm["field"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, "secrets"), (unknownSecret.StatusCode, us["field"]!.GetValue<string>()));
        Assert.Equal("NBF_NO_SUCH_SECRET_ANYWHERE", us["secret"]!.GetValue<string>());
        var (_, runs) = await api.SendAsync(HttpMethod.Get, $"/api/runs?notebook={name}");
        Assert.Empty(runs["runs"]!.AsArray());
    }

    [Fact]
    public async Task Repair_reruns_only_the_failed_chunks_of_a_finished_run_and_links_to_it()
    {
        await using var api = await ApiHarness.StartAsync();
        var flag = Path.Combine(Path.GetTempPath(), $"nbf-fail-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(flag, "fail");
        var name = ApiHarness.NewName("repair");
        await api.PublishAsync(name, SumNotebook(flag));
        var input = await ApiHarness.UploadInputAsync("sales.csv", string.Concat(Enumerable.Repeat(Csv[13..], 60)).Insert(0, "region,amount\n"));
        var (_, started) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, input.Name, onChunkFailure: "continue"));
        var id = started["id"]!.GetValue<string>();
        var first = await api.WaitForRunAsync(id);
        Assert.Equal("CompletedWithFailures", first["status"]!.GetValue<string>());
        var failedChunk = first["result"]!["failedChunks"]!.AsArray().Single()!;
        Assert.Equal(1, failedChunk["index"]!.GetValue<int>());
        Assert.Equal(2, failedChunk["error"]!["cellIndex"]!.GetValue<int>()); // in the executed notebook, after the injected-parameters cell
        Assert.Equal("RuntimeError", failedChunk["error"]!["eName"]!.GetValue<string>());
        // Progress names failed chunks as soon as they fail, before the manifest exists.
        var shown = first["progress"]!["failures"]!.AsArray().Single()!;
        Assert.Equal(1, shown["index"]!.GetValue<int>());
        Assert.Equal("RuntimeError", shown["error"]!["eName"]!.GetValue<string>());

        File.Delete(flag);
        var (accepted, repair) = await api.SendAsync(HttpMethod.Post, $"/api/runs/{id}/repair");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(id, repair["repairOf"]!.GetValue<string>());
        Assert.Equal([1], repair["chunks"]!.AsArray().Select(c => c!.GetValue<int>()));
        var repaired = await api.WaitForRunAsync(repair["id"]!.GetValue<string>());
        Assert.True(repaired["status"]!.GetValue<string>() == "Completed", repaired.ToJsonString());
        Assert.Equal(id, repaired["repairOf"]!.GetValue<string>());
        // The repair ran chunk 1 again and kept the others from the original run: its record covers the whole input.
        var chunks = repaired["chunks"]!.AsArray();
        Assert.Equal([0, 1, 2], chunks.Select(c => c!["index"]!.GetValue<int>()));
        Assert.Equal([id, null, id], chunks.Select(c => c!["run"]?.GetValue<string>()));
        Assert.All(chunks, c => Assert.Equal("succeeded", c!["status"]!.GetValue<string>()));
        var (again, _) = await api.SendAsync(HttpMethod.Post, $"/api/runs/{repair["id"]}/repair");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Repair_is_refused_when_the_input_changed_since_the_run()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("changed");
        await api.PublishAsync(name, ApiHarness.NotebookText("input_path = 'x'\noutput_dir = 'o'", "raise ValueError('always')"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", Csv);
        var (_, started) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, input.Name, new { }));
        var id = started["id"]!.GetValue<string>();
        Assert.Equal("Failed", (await api.WaitForRunAsync(id))["status"]!.GetValue<string>());
        await input.GetBlobClient("sales.csv").UploadAsync(BinaryData.FromString(Csv + "north,7\n"), overwrite: true);

        var (refused, problem) = await api.SendAsync(HttpMethod.Post, $"/api/runs/{id}/repair");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("changed since run", problem["detail"]!.GetValue<string>());
        Assert.Null(await api.Client.GetInstanceAsync(id + "-repair"));
    }

    [Fact]
    public async Task While_a_run_goes_on_a_failed_chunk_shows_its_cell_and_exception_beside_a_chunk_still_running()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("midrun");
        var release = Path.Combine(Directory.CreateTempSubdirectory("nbf-midrun-").FullName, "release");
        await api.PublishAsync(name, ApiHarness.NotebookText(
            $"release = {Python(release)}\ninput_path = 'x'\noutput_dir = 'o'\nchunk_index = 0",
            "import os, time",
            "if chunk_index == 0:\n    raise LookupError('chunk 0 has no rate')",
            "while not os.path.exists(release):\n    time.sleep(0.1)"));
        var input = await ApiHarness.UploadInputAsync("part-0.csv", Csv);
        await input.GetBlobClient("part-1.csv").UploadAsync(BinaryData.FromString(Csv));
        var (_, started) = await api.SendAsync(HttpMethod.Post, "/api/runs", new
        {
            notebook = name,
            input = new { container = input.Name, prefix = "part-", mode = "perBlob" },
            onChunkFailure = "continue",
            maxAttempts = 1,
            maxParallelChunks = 2,
        });
        var id = started["id"]!.GetValue<string>();
        JsonObject run = [];
        try
        {
            // Chunk 0 fails at once; chunk 1 waits for the release file, so the run goes on until the test lets it end.
            for (var i = 0; i < 300 && !(Status(run, 0) == "failed" && Status(run, 1) == "running"); i++)
            {
                await Task.Delay(200);
                run = (await api.SendAsync(HttpMethod.Get, $"/api/runs/{id}")).Body;
            }
        }
        finally
        {
            await File.WriteAllTextAsync(release, "go");
        }

        var ended = await api.WaitForRunAsync(id);

        Assert.True(Status(run, 0) == "failed" && Status(run, 1) == "running", $"never saw chunk 0 failed beside chunk 1 running: {run.ToJsonString()}");
        Assert.Equal("Running", run["status"]!.GetValue<string>());
        var error = run["chunks"]![0]!["error"]!;
        Assert.Equal((3, "c1", "LookupError", "chunk 0 has no rate"), (error["cellIndex"]!.GetValue<int>(), error["cellId"]!.GetValue<string>(), error["eName"]!.GetValue<string>(), error["eValue"]!.GetValue<string>()));
        Assert.Equal("CompletedWithFailures", ended["status"]!.GetValue<string>());
    }

    private static string? Status(JsonObject run, int chunk) => (run["chunks"] as JsonArray)?.FirstOrDefault(c => c!["index"]!.GetValue<int>() == chunk)?["status"]?.GetValue<string>();

    [Fact]
    public async Task Cancel_stops_a_running_run()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("slow");
        await api.PublishAsync(name, ApiHarness.NotebookText("input_path = 'x'\noutput_dir = 'o'", "import time\ntime.sleep(120)"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", Csv);
        var (_, started) = await api.SendAsync(HttpMethod.Post, "/api/runs", RunBody(name, input.Name, new { }));
        var id = started["id"]!.GetValue<string>();
        string? chunkStatus = null;
        for (var i = 0; i < 150 && chunkStatus != "running"; i++)
        {
            await Task.Delay(200);
            chunkStatus = ((await api.SendAsync(HttpMethod.Get, $"/api/runs/{id}")).Body["chunks"] as JsonArray)?.Single()!["status"]!.GetValue<string>();
        }

        Assert.Equal("running", chunkStatus);

        var (cancel, body) = await api.SendAsync(HttpMethod.Post, $"/api/runs/{id}/cancel");

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("Cancelling", body["status"]!.GetValue<string>());
        var run = await api.WaitForRunAsync(id);
        Assert.Equal("Cancelled", run["status"]!.GetValue<string>());
        var (unknown, _) = await api.SendAsync(HttpMethod.Get, "/api/runs/no-such-run");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
