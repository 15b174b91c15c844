using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// Requests a careless user or an attacker sends, each refused with the right status and a problem document naming
/// what was wrong, before anything is stored or scheduled: every container's blobs are listed before and after each.
/// </summary>
public sealed class BadInputTests
{
    private const string Sum = "input_path = 'x.csv'\noutput_dir = 'out'\nscale: int = 1";

    [Fact]
    public async Task Every_bad_request_is_a_problem_naming_its_field_and_leaves_storage_as_it_was()
    {
        await using var api = await ApiHarness.StartAsync(new ApiOptions { MaxNotebookBytes = 64 * 1024 });
        var token = Guid.NewGuid().ToString("N")[..10];
        var notebook = $"bat-{token}";
        await api.PublishAsync(notebook, ApiHarness.NotebookText(Sum, "import os\nos.makedirs(output_dir, exist_ok=True)"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", "region,amount\nnorth,1\n");
        var run = $"\"notebook\": \"{notebook}\"";
        var inputJson = $"\"input\": {{\"container\": \"{input.Name}\", \"prefix\": \"sales.csv\"}}";
        string RunWith(string members) => $"{{{run}, {inputJson}{(members.Length == 0 ? string.Empty : ", " + members)}}}";
        string RunWithInput(string inputMembers) => $"{{{run}, \"input\": {{\"container\": \"{input.Name}\", \"prefix\": \"sales.csv\", {inputMembers}}}}}";
        string Schedule(string members) => $"{{\"cron\": \"0 6 * * *\", \"run\": {RunWith(string.Empty)}{(members.Length == 0 ? string.Empty : ", " + members)}}}";
        var missingVersion = new string('a', 64);
        var leaky = ApiHarness.NotebookText(Sum, "token = 'ghp_" + "0123456789abcdefghijABCDEFGHIJ0123456789'");

        var cases = new List<BadRequest>
        {
            // Runs: unknown and misspelled members.
            new("misspelled top-level member", HttpMethod.Post, "/api/runs", RunWith("\"maxParalelChunks\": 2"), 400, "maxParalelChunks"),
            new("misspelled input member", HttpMethod.Post, "/api/runs", RunWithInput("\"prefx\": \"small/\""), 400, "input.prefx"),
            new("unknown member", HttpMethod.Post, "/api/runs", RunWith("\"priority\": \"high\""), 400, "priority"),
            // Numbers: types and ranges, including values that would overflow later.
            new("number as a string", HttpMethod.Post, "/api/runs", RunWith("\"maxParallelChunks\": \"4\""), 400, "maxParallelChunks"),
            new("fractional count", HttpMethod.Post, "/api/runs", RunWith("\"maxParallelChunks\": 2.5"), 400, "maxParallelChunks"),
            new("zero parallel chunks", HttpMethod.Post, "/api/runs", RunWith("\"maxParallelChunks\": 0"), 400, "maxParallelChunks"),
            new("too many parallel chunks", HttpMethod.Post, "/api/runs", RunWith("\"maxParallelChunks\": 1001"), 400, "maxParallelChunks"),
            new("zero attempts", HttpMethod.Post, "/api/runs", RunWith("\"maxAttempts\": 0"), 400, "maxAttempts"),
            new("too many attempts", HttpMethod.Post, "/api/runs", RunWith("\"maxAttempts\": 11"), 400, "maxAttempts"),
            new("negative cell timeout", HttpMethod.Post, "/api/runs", RunWith("\"cellTimeoutSeconds\": -1"), 400, "cellTimeoutSeconds"),
            new("cell timeout past TimeSpan", HttpMethod.Post, "/api/runs", RunWith("\"cellTimeoutSeconds\": 1e300"), 400, "cellTimeoutSeconds"),
            new("zero chunk timeout", HttpMethod.Post, "/api/runs", RunWith("\"chunkTimeoutSeconds\": 0"), 400, "chunkTimeoutSeconds"),
            new("timeout as text", HttpMethod.Post, "/api/runs", RunWith("\"chunkTimeoutSeconds\": \"soon\""), 400, "chunkTimeoutSeconds"),
            new("zero max chunks", HttpMethod.Post, "/api/runs", RunWithInput("\"maxChunks\": 0"), 400, "input.maxChunks"),
            new("negative max chunks", HttpMethod.Post, "/api/runs", RunWithInput("\"maxChunks\": -1"), 400, "input.maxChunks"),
            new("chunk size past any size", HttpMethod.Post, "/api/runs", RunWithInput("\"chunkSize\": \"99999999999TB\""), 400, "input.chunkSize"),
            new("chunk size of words", HttpMethod.Post, "/api/runs", RunWithInput("\"chunkSize\": \"lots\""), 400, "input.chunkSize"),
            new("chunk size of zero bytes", HttpMethod.Post, "/api/runs", RunWithInput("\"chunkSize\": 0"), 400, "input.chunkSize"),
            new("chunk size as an object", HttpMethod.Post, "/api/runs", RunWithInput("\"chunkSize\": {}"), 400, "input.chunkSize"),
            // Names outside Azure's rules, inputs that select nothing, modes and kernels that do not exist.
            new("upper-case container", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"DATA\"}}}}", 400, "input.container"),
            new("one-letter container", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"a\"}}}}", 400, "input.container"),
            new("the host's secrets as input", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"azure-webjobs-secrets\"}}}}", 400, "input.container"),
            new("the task hub's leases as input", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"notebookfunctions-leases\"}}}}", 400, "input.container"),
            new("the run index as input", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"run-index\"}}}}", 400, "input.container"),
            new("double hyphen container", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"a--b\"}}}}", 400, "input.container"),
            new("missing container", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"no-such-{token}\"}}}}", 400, "input.container"),
            new("no input", HttpMethod.Post, "/api/runs", $"{{{run}}}", 400, "input.container"),
            new("prefix with no blobs", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"{input.Name}\", \"prefix\": \"nothing/\"}}}}", 400, "input.prefix"),
            new("glob matching nothing", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"{input.Name}\", \"glob\": \"**/*.parquet\"}}}}", 400, "input.glob"),
            new("control character in prefix", HttpMethod.Post, "/api/runs", $"{{{run}, \"input\": {{\"container\": \"{input.Name}\", \"prefix\": \"a\\nb\"}}}}", 400, "input.prefix"),
            new("unknown mode", HttpMethod.Post, "/api/runs", RunWithInput("\"mode\": \"sideways\""), 400, "input.mode"),
            new("unknown kernel", HttpMethod.Post, "/api/runs", RunWith("\"kernel\": \"no-such-kernel\""), 400, "kernel"),
            new("unknown failure policy", HttpMethod.Post, "/api/runs", RunWith("\"onChunkFailure\": \"sometimes\""), 400, "onChunkFailure"),
            new("memory limit too small for a kernel", HttpMethod.Post, "/api/runs", RunWith("\"memoryLimitMB\": 64"), 400, "memoryLimitMB", Says: "from 256 to"),
            new("memory limit past any host", HttpMethod.Post, "/api/runs", RunWith("\"memoryLimitMB\": 1000000"), 400, "memoryLimitMB", Says: "more than this backend's hosts have"),
            new("memory limit as text", HttpMethod.Post, "/api/runs", RunWith("\"memoryLimitMB\": \"2GB\""), 400, "memoryLimitMB"),
            // Parameters.
            new("reserved parameter", HttpMethod.Post, "/api/runs", RunWith("\"parameters\": {\"input_path\": \"/etc/passwd\"}"), 400, "parameters.input_path"),
            new("parameter of the wrong type", HttpMethod.Post, "/api/runs", RunWith("\"parameters\": {\"scale\": \"ten\"}"), 400, "parameters.scale"),
            new("undeclared parameter", HttpMethod.Post, "/api/runs", RunWith("\"parameters\": {\"scael\": 1}"), 400, "parameters.scael"),
            new("parameters as a list", HttpMethod.Post, "/api/runs", RunWith("\"parameters\": [1, 2]"), 400, "parameters"),
            // Notebooks and versions: nothing unpublished can run.
            new("version naming another notebook", HttpMethod.Post, "/api/runs", RunWith($"\"version\": \"../count-notebook/{missingVersion}\""), 400, "version"),
            new("version in upper case", HttpMethod.Post, "/api/runs", RunWith($"\"version\": \"{missingVersion.ToUpperInvariant()}\""), 400, "version"),
            new("version never published", HttpMethod.Post, "/api/runs", RunWith($"\"version\": \"{missingVersion}\""), 404, "version"),
            new("notebook name with a path", HttpMethod.Post, "/api/runs", $"{{\"notebook\": \"../{notebook}\", {inputJson}}}", 400, "notebook"),
            new("no notebook", HttpMethod.Post, "/api/runs", $"{{{inputJson}}}", 400, "notebook"),
            new("unknown notebook", HttpMethod.Post, "/api/runs", $"{{\"notebook\": \"ghost-{token}\", {inputJson}}}", 404, "notebook"),
            // Secrets.
            new("secret name with spaces", HttpMethod.Post, "/api/runs", RunWith("\"secrets\": [\"bad name!\"]"), 400, "secrets"),
            new("unknown secret", HttpMethod.Post, "/api/runs", RunWith("\"secrets\": [\"NBF_NO_SUCH_SECRET_ANYWHERE\"]"), 400, "secrets"),
            new("secrets as a string", HttpMethod.Post, "/api/runs", RunWith("\"secrets\": \"DB_PASSWORD\""), 400, "secrets"),
            // Bodies and headers.
            new("not JSON", HttpMethod.Post, "/api/runs", "{\"notebook\": ", 400, "body"),
            new("JSON null", HttpMethod.Post, "/api/runs", "null", 400, "body"),
            new("JSON list", HttpMethod.Post, "/api/runs", "[]", 400, "body"),
            new("idempotency key too long", HttpMethod.Post, "/api/runs", RunWith(string.Empty), 400, "Idempotency-Key", new() { ["Idempotency-Key"] = new string('k', 201) }),
            // Reading and changing runs.
            new("unknown status filter", HttpMethod.Get, "/api/runs?status=sideways", null, 400, "status"),
            new("page of zero", HttpMethod.Get, "/api/runs?top=0", null, 400, "top"),
            new("page size of words", HttpMethod.Get, "/api/runs?top=many", null, 400, "top"),
            new("notebook filter with a path", HttpMethod.Get, "/api/runs?notebook=../x", null, 400, "notebook"),
            new("garbage continuation token", HttpMethod.Get, "/api/runs?continuationToken=garbage", null, 400, "continuationToken"),
            new("unknown run", HttpMethod.Get, $"/api/runs/no-such-run-{token}", null, 404, "id"),
            new("run id with an escaped slash", HttpMethod.Get, "/api/runs/..%2F..%2Fnotebooks", null, 400, "id"),
            new("cancel of an unknown run", HttpMethod.Post, $"/api/runs/no-such-run-{token}/cancel", null, 404, "id"),
            new("repair of an unknown run", HttpMethod.Post, $"/api/runs/no-such-run-{token}/repair", null, 404, "id"),
            new("notebook of an unknown chunk", HttpMethod.Get, $"/api/runs/no-such-run-{token}/chunks/0/notebook", null, 404, "index"),
            new("files of an unknown run", HttpMethod.Get, $"/api/runs/no-such-run-{token}/files", null, 404, "id"),
            new("a file of an unknown run", HttpMethod.Get, $"/api/runs/no-such-run-{token}/files/results/out.csv", null, 404, "id"),
            // The dots are resolved before routing: the path names no route of a run at all.
            new("a file outside the run", HttpMethod.Get, $"/api/runs/no-such-run-{token}/files/results/%2E%2E/%2E%2E/notebooks/x", null, 404, null),
            // Publishing.
            new("notebook name with an escaped slash", HttpMethod.Put, "/api/notebooks/..%2Fescape", ApiHarness.NotebookText(Sum), 400, "name"),
            new("empty notebook", HttpMethod.Put, $"/api/notebooks/{notebook}-empty", string.Empty, 400, "body"),
            new("notebook that is not JSON", HttpMethod.Put, $"/api/notebooks/{notebook}-broken", "{\"cells\": [", 400, "notebook"),
            new("nbformat 3 notebook", HttpMethod.Put, $"/api/notebooks/{notebook}-v3", "{\"nbformat\": 3, \"nbformat_minor\": 0, \"metadata\": {}, \"worksheets\": []}", 400, "notebook"),
            new("notebook with a malformed requirement", HttpMethod.Put, $"/api/notebooks/{notebook}-reqs", BadRequirement(), 400, "notebook", Says: "metadata.notebook_functions.requirements[0]"),
            new("notebook with a memory limit of words", HttpMethod.Put, $"/api/notebooks/{notebook}-mem", WithMetadata("memory_limit_mb", "lots"), 400, "notebook", Says: "metadata.notebook_functions.memory_limit_mb"),
            new("notebook holding a credential", HttpMethod.Put, $"/api/notebooks/{notebook}-leaky", leaky, 422, null),
            new("notebook over the size limit", HttpMethod.Put, $"/api/notebooks/{notebook}-big", ApiHarness.NotebookText(Sum, "x = '" + new string('x', 70 * 1024) + "'"), 413, null),
            new("malformed source commit", HttpMethod.Put, $"/api/notebooks/{notebook}-src", ApiHarness.NotebookText(Sum), 400, "X-Nbf-Source-Commit", new() { ["X-Nbf-Source-Commit"] = "xyz", ["X-Nbf-Source-Path"] = "a.ipynb", ["X-Nbf-Source-Dirty"] = "false" }),
            new("version reaching into runs", HttpMethod.Get, $"/api/notebooks/{notebook}?version=../../runs/x/chunks/0/output", null, 400, "version"),
            new("unknown notebook to read", HttpMethod.Get, $"/api/notebooks/ghost-{token}", null, 404, null),
            // Schedules.
            new("misspelled cron", HttpMethod.Put, $"/api/schedules/s-{token}", $"{{\"crn\": \"0 6 * * *\", \"run\": {RunWith(string.Empty)}}}", 400, "crn"),
            new("cron of words", HttpMethod.Put, $"/api/schedules/s-{token}", Schedule("\"timeZone\": \"UTC\"").Replace("0 6 * * *", "every day", StringComparison.Ordinal), 400, "cron"),
            new("unknown time zone", HttpMethod.Put, $"/api/schedules/s-{token}", Schedule("\"timeZone\": \"Mars/Base\""), 400, "timeZone"),
            new("schedule name with spaces", HttpMethod.Put, "/api/schedules/BAD%20NAME", Schedule(string.Empty), 400, "name"),
            new("schedule run with a bad field", HttpMethod.Put, $"/api/schedules/s-{token}", $"{{\"cron\": \"0 6 * * *\", \"run\": {RunWith("\"maxParallelChunks\": 0")}}}", 400, "run.maxParallelChunks"),
            new("schedule run with a misspelled member", HttpMethod.Put, $"/api/schedules/s-{token}", $"{{\"cron\": \"0 6 * * *\", \"run\": {RunWithInput("\"prefx\": \"x\"")}}}", 400, "run.input.prefx"),
            new("unknown schedule", HttpMethod.Delete, $"/api/schedules/s-{token}", null, 404, null),
            // Routes, methods, sizes and keys.
            new("unknown route", HttpMethod.Get, "/api/nothing-here", null, 404, null),
            new("unknown route outside the API", HttpMethod.Get, "/admin", null, 404, null),
            new("wrong method", HttpMethod.Delete, "/api/runs", null, 405, null),
            new("URL over the limit", HttpMethod.Get, "/api/notebooks?x=" + new string('a', 9000), null, 414, "url"),
            new("headers over the limit", HttpMethod.Get, "/api/notebooks", null, 431, "headers", new() { ["X-Padding"] = new string('p', 40 * 1024) }),
            new("no key", HttpMethod.Get, "/api/notebooks", null, 401, null, Key: null),
            new("wrong key", HttpMethod.Get, "/api/notebooks", null, 401, null, Key: "not-a-key"),
            new("reader starting a run", HttpMethod.Post, "/api/runs", RunWith(string.Empty), 403, null, Key: ApiHarness.ReaderKey),
        };

        Assert.True(cases.Count >= 60, $"{cases.Count} cases");
        // Storage is shared with tests running at the same time: what these requests could write has the token, the
        // names of the cases' own notebooks, containers and schedules in it.
        string[] needles = [token, input.Name, "escape", "BAD"];
        // Every name these requests could write under begins with one of these (notebooks, runs, schedules, claims).
        string[] prefixes = [$"bat-{token}", $"ghost-{token}", $"no-such-run-{token}", $"s-{token}", "..", "escape", "BAD", "nothing"];
        await BadRequests.AssertEachRefusedLeavingStorageAsync(api, cases, needles, prefixes);

        var (_, runs) = await api.SendAsync(HttpMethod.Get, $"/api/runs?notebook={notebook}");
        Assert.Empty(runs["runs"]!.AsArray());
    }

    /// <summary>A notebook with one member of metadata.notebook_functions set.</summary>
    private static string WithMetadata(string member, string value)
    {
        var notebook = NotebookFunctions.Tests.Shared.TestNotebooks.Build("x = 1", "print(x)");
        notebook.Metadata["notebook_functions"] = new System.Text.Json.Nodes.JsonObject { [member] = value };
        return notebook.ToText();
    }

    /// <summary>A notebook whose requirements list a string that is no requirement.</summary>
    private static string BadRequirement()
    {
        var notebook = NotebookFunctions.Tests.Shared.TestNotebooks.Build("x = 1", "print(x)");
        notebook.Metadata["notebook_functions"] = new System.Text.Json.Nodes.JsonObject { ["requirements"] = new System.Text.Json.Nodes.JsonArray("pandas >= = 2") };
        return notebook.ToText();
    }

    [Fact]
    public async Task A_misspelled_member_is_named_with_the_member_it_was_probably_meant_to_be()
    {
        await using var api = await ApiHarness.StartAsync();
        var (response, problem) = await api.SendAsync(HttpMethod.Post, "/api/runs", JsonNode.Parse("{\"notebook\": \"x\", \"input\": {\"container\": \"data\", \"prefx\": \"small/\"}}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("did you mean 'input.prefix'?", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_request_is_refused_naming_what_differs()
    {
        await using var api = await ApiHarness.StartAsync();
        var notebook = ApiHarness.NewName("idem");
        await api.PublishAsync(notebook, ApiHarness.NotebookText(Sum, "import os\nos.makedirs(output_dir, exist_ok=True)"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", "region,amount\nnorth,1\n");
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = $"nightly-{Guid.NewGuid():N}" };
        object Body(int scale, int parallel) => new { notebook, parameters = new { scale }, input = new { container = input.Name, prefix = "sales.csv" }, maxParallelChunks = parallel };

        var (_, first) = await api.SendAsync(HttpMethod.Post, "/api/runs", Body(2, 2), key);
        var (same, again) = await api.SendAsync(HttpMethod.Post, "/api/runs", Body(2, 2), key);
        var (different, problem) = await api.SendAsync(HttpMethod.Post, "/api/runs", Body(3, 4), key);

        Assert.Equal(HttpStatusCode.Accepted, same.StatusCode);
        Assert.Equal(first["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal(["parameters", "maxParallelChunks"], problem["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(first["id"]!.GetValue<string>(), problem["runId"]!.GetValue<string>());
        await api.WaitForRunAsync(first["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_run_id_whose_records_another_task_hub_left_is_refused_and_its_records_kept()
    {
        var notebook = ApiHarness.NewName("taken");
        var input = await ApiHarness.UploadInputAsync("sales.csv", "region,amount\nnorth,1\n");
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = $"nightly-{Guid.NewGuid():N}" };
        object Body() => new { notebook, parameters = new { scale = 2 }, input = new { container = input.Name, prefix = "sales.csv" } };
        string id;
        await using (var first = await ApiHarness.StartAsync())
        {
            await first.PublishAsync(notebook, ApiHarness.NotebookText(Sum, "import os\nos.makedirs(output_dir, exist_ok=True)"));
            var (_, started) = await first.SendAsync(HttpMethod.Post, "/api/runs", Body(), key);
            id = started["id"]!.GetValue<string>();
            await first.WaitForRunAsync(id);
        }

        async Task<string> ManifestAsync() => (await ApiHarness.Blobs.GetBlobContainerClient("runs").GetBlobClient($"{id}/manifest.json").DownloadContentAsync()).Value.Content.ToString();
        var manifest = await ManifestAsync();
        // Another task hub on the same storage (a second host, another NBF_TASK_HUB): the same key makes the same id.
        await using var second = await ApiHarness.StartAsync();
        var (refused, problem) = await second.SendAsync(HttpMethod.Post, "/api/runs", Body(), key);

        Assert.Contains("\"Completed\"", manifest, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Run id taken", problem["title"]!.GetValue<string>());
        Assert.Contains($"runs/{id}/", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(manifest, await ManifestAsync());
    }

    [Fact]
    public async Task A_run_id_another_task_hub_claimed_is_refused_naming_that_hub_even_before_its_run_starts()
    {
        var notebook = ApiHarness.NewName("claimed");
        var key = $"nightly-{Guid.NewGuid():N}";
        var id = Orchestration.Runs.RunIds.ForIdempotencyKey(notebook, key);
        // Hub A claimed the id a while ago; its run is still queued there (no plan, no records yet).
        var claims = new Orchestration.Runs.RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero, taskHub: "hubA");
        Assert.True((await claims.TryClaimAsync(id, () => Task.FromResult(false), default)).Won);
        var claim = ApiHarness.Blobs.GetBlobContainerClient("runs").GetBlobClient($"{id}/claim.json");
        var written = (await claim.DownloadContentAsync()).Value.Content.ToString();
        await using var hubB = await ApiHarness.StartAsync(new ApiOptions { TaskHub = "hubB" });
        await hubB.PublishAsync(notebook, ApiHarness.NotebookText(Sum, "print(scale)"));

        var input = await ApiHarness.UploadInputAsync("sales.csv", "region,amount\nnorth,1\n");
        var body = new { notebook, parameters = new { scale = 2 }, input = new { container = input.Name, prefix = "sales.csv" } };

        var (refused, problem) = await hubB.SendAsync(HttpMethod.Post, "/api/runs", body, new Dictionary<string, string> { ["Idempotency-Key"] = key });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Run id taken", problem["title"]!.GetValue<string>());
        Assert.Contains("task hub 'hubA'", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("hubA", problem["taskHub"]!.GetValue<string>());
        Assert.Equal(written, (await claim.DownloadContentAsync()).Value.Content.ToString());
        Assert.Null(await hubB.Client.GetInstanceAsync(id));
    }
}
