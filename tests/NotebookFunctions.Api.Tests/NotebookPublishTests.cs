using System.Net;
using System.Text.Json.Nodes;
using NotebookFunctions.Api.Endpoints;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Api.Tests;

/// <summary>PUT/GET /api/notebooks: validation, lint, credential refusal, size limit, content addressing.</summary>
public sealed class NotebookPublishTests
{
    [Fact]
    public async Task Publishing_stores_a_content_addressed_version_once_and_shows_its_schema()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("pub");
        var text = ApiHarness.NotebookText("rows: int = 10  # how many rows", "print(rows)");

        var (first, body) = await api.PublishAsync(name, text);
        var (again, repeat) = await api.PublishAsync(name, text);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.True(body["created"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False(repeat["created"]!.GetValue<bool>());
        var version = body["version"]!.GetValue<string>();
        Assert.Equal(version, repeat["version"]!.GetValue<string>());
        Assert.Equal($"/api/notebooks/{name}?version={version}", first.Headers.Location!.OriginalString);

        var (get, notebook) = await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{name}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(version, notebook["latest"]!.GetValue<string>());
        Assert.Single(notebook["versions"]!.AsArray());
        var parameter = notebook["schema"]!["parameters"]![0]!;
        Assert.Equal("rows", parameter["name"]!.GetValue<string>());
        Assert.Equal("int", parameter["type"]!.GetValue<string>());
        Assert.Equal("how many rows", parameter["help"]!.GetValue<string>());

        var (_, list) = await api.SendAsync(HttpMethod.Get, "/api/notebooks");
        Assert.Contains(list["notebooks"]!.AsArray(), n => n!["name"]!.GetValue<string>() == name && n["latest"]!.GetValue<string>() == version);
    }

    [Fact]
    public async Task A_new_version_becomes_the_latest_and_old_versions_stay_readable()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("ver");
        var (_, v1) = await api.PublishAsync(name, ApiHarness.NotebookText("x = 1", "print(x)"));
        await Task.Delay(1100); // versions are ordered by publish time, which Azurite keeps to the second
        var (_, v2) = await api.PublishAsync(name, ApiHarness.NotebookText("x = 2", "print(x)"));

        var (_, latest) = await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{name}");
        var (_, old) = await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{name}?version={v1["version"]}");

        Assert.Equal(v2["version"]!.GetValue<string>(), latest["latest"]!.GetValue<string>());
        Assert.Equal(2, latest["versions"]!.AsArray().Count);
        Assert.Equal("1", old["schema"]!["parameters"]![0]!["default"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_version_published_with_its_git_source_lists_it_and_keeps_the_first_one()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("src");
        var text = ApiHarness.NotebookText("x = 1", "print(x)");
        var source = new NotebookSource("0123456789abcdef0123456789abcdef01234567", "notebooks/données/sales 100%.ipynb", dirty: true);
        var elsewhere = new NotebookSource(new string('f', 40), "other.ipynb", dirty: false);

        var (created, published) = await api.PublishAsync(name, text, headers: NotebooksApi.SourceHeaders(source));
        var (_, republished) = await api.PublishAsync(name, text, headers: NotebooksApi.SourceHeaders(elsewhere));
        await Task.Delay(1100); // versions are ordered by publish time, which Azurite keeps to the second
        var (_, unsourced) = await api.PublishAsync(name, ApiHarness.NotebookText("x = 2", "print(x)"));
        var (_, notebook) = await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{name}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var expected = new JsonObject { ["commit"] = source.Commit, ["path"] = source.Path, ["dirty"] = true };
        Assert.True(JsonNode.DeepEquals(expected, published["source"]), published.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, republished["source"]), republished.ToJsonString());
        Assert.False(unsourced.ContainsKey("source"));
        var versions = notebook["versions"]!.AsArray();
        Assert.Equal(2, versions.Count);
        Assert.True(JsonNode.DeepEquals(expected, versions[0]!["source"]), notebook.ToJsonString());
        Assert.False(versions[1]!.AsObject().ContainsKey("source"));
    }

    [Theory]
    [InlineData(NotebooksApi.SourceCommitHeader, "abc123", "40 or 64 lowercase hex")]
    [InlineData(NotebooksApi.SourcePathHeader, "..%2Fsecrets.ipynb", "'..' segments")]
    [InlineData(NotebooksApi.SourcePathHeader, "%2Fetc%2Fx.ipynb", "relative")]
    [InlineData(NotebooksApi.SourcePathHeader, "a%0Ab.ipynb", "control character")]
    [InlineData(NotebooksApi.SourceDirtyHeader, "maybe", "'true' or 'false'")]
    [InlineData(NotebooksApi.SourceDirtyHeader, null, "is missing")]
    public async Task A_malformed_source_header_is_a_400_naming_the_header_and_stores_nothing(string header, string? value, string why)
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("badsrc");
        var headers = NotebooksApi.SourceHeaders(new NotebookSource(new string('a', 40), "sales.ipynb", dirty: false))
            .Where(h => h.Key != header).ToList();
        if (value is not null) headers.Add(new(header, value));

        var (response, problem) = await api.PublishAsync(name, ApiHarness.NotebookText("x = 1", "print(x)"), headers: headers);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(header, problem["field"]!.GetValue<string>());
        Assert.Contains(header, problem["detail"]!.GetValue<string>());
        Assert.Contains(why, problem["detail"]!.GetValue<string>());
        var (missing, _) = await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{name}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Lint_warns_about_hidden_state_and_a_missing_parameters_cell()
    {
        await using var api = await ApiHarness.StartAsync();
        var notebook = JsonNode.Parse(ApiHarness.NotebookText(null, "a = 1", "b = a + 1", "print(b)"))!;
        var cells = notebook["cells"]!.AsArray();
        cells[0]!["execution_count"] = 3;
        cells[1]!["execution_count"] = 1; // run before the cell above it
        cells[2]!["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "error", ["ename"] = "NameError", ["evalue"] = "name 'a' is not defined", ["traceback"] = new JsonArray() });
        cells[2]!["execution_count"] = 4;

        var (response, body) = await api.PublishAsync(ApiHarness.NewName("lint"), notebook.ToJsonString());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var codes = body["warnings"]!.AsArray().Select(w => w!["code"]!.GetValue<string>()).ToList();
        Assert.Contains("no-parameters-cell", codes);
        Assert.Contains("out-of-order", codes);
        Assert.Contains("saved-error", codes);
        var order = body["warnings"]!.AsArray().First(w => w!["code"]!.GetValue<string>() == "out-of-order")!;
        Assert.Equal(1, order["cell"]!.GetValue<int>());
    }

    [Fact]
    public async Task Hardcoded_credentials_are_refused_with_the_cell_line_and_a_masked_value()
    {
        await using var api = await ApiHarness.StartAsync();
        const string key = "AKIAIOSFODNN7EXAMPLE";
        var name = ApiHarness.NewName("leak");
        var text = ApiHarness.NotebookText("bucket = 'x'", "import boto3\ns3 = boto3.client('s3', aws_access_key_id='" + key + "')");

        var (response, body) = await api.PublishAsync(name, text);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var finding = body["findings"]!.AsArray().Single()!;
        Assert.Equal("aws-access-key-id", finding["rule"]!.GetValue<string>());
        Assert.Equal(1, finding["cell"]!.GetValue<int>());
        Assert.Equal(2, finding["line"]!.GetValue<int>());
        Assert.DoesNotContain(key, body.ToJsonString());
        var (missing, _) = await api.SendAsync(HttpMethod.Get, $"/api/notebooks/{name}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_notebook_refused_for_credentials_still_shows_its_lint_warnings_when_published_and_when_checked()
    {
        await using var api = await ApiHarness.StartAsync();
        var name = ApiHarness.NewName("leaklint");
        // No parameters cell (a lint warning) and a hardcoded key (a finding): both are the publisher's to fix.
        var text = ApiHarness.NotebookText(null, "key = 'AKIAIOSFODNN7EXAMPLE'");

        var (published, publishProblem) = await api.PublishAsync(name, text);
        var (checkedOnly, checkProblem) = await api.PublishAsync($"{name}?dryRun=true", text);

        foreach (var (response, problem) in new[] { (published, publishProblem), (checkedOnly, checkProblem) })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("aws-access-key-id", problem["findings"]!.AsArray().Single()!["rule"]!.GetValue<string>());
            var warning = Assert.Single(problem["warnings"]!.AsArray())!;
            Assert.Equal("no-parameters-cell", warning["code"]!.GetValue<string>());
            Assert.Contains("parameters", warning["message"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Oversized_broken_and_misnamed_notebooks_get_problem_details_naming_the_fault()
    {
        await using var api = await ApiHarness.StartAsync(new ApiOptions { MaxNotebookBytes = 4096 });
        var big = ApiHarness.NotebookText("x = 1", "s = '" + new string('a', 5000) + "'");

        var (tooBig, tooBigBody) = await api.PublishAsync(ApiHarness.NewName("big"), big);
        var (broken, brokenBody) = await api.PublishAsync(ApiHarness.NewName("broken"), "{\"cells\": [");
        var (badName, badNameBody) = await api.PublishAsync("no spaces allowed", ApiHarness.NotebookText("x = 1"));
        var (v3, v3Body) = await api.PublishAsync(ApiHarness.NewName("v3"), """{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(4096, tooBigBody["limit"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("Invalid notebook", brokenBody["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Equal("name", badNameBody["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, v3.StatusCode);
        Assert.Contains("nbformat", v3Body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refused_publishes_leave_storage_unchanged_and_traversal_names_never_reach_it()
    {
        await using var api = await ApiHarness.StartAsync(new ApiOptions { MaxNotebookBytes = 4096 });
        var big = ApiHarness.NewName("big");
        var leak = ApiHarness.NewName("leak");
        var empty = ApiHarness.NewName("empty");
        var attempts = new List<(string Route, string Text)>
        {
            ("..%2F..%2Fetc", ApiHarness.NotebookText("x = 1")),
            ("%2E%2E", ApiHarness.NotebookText("x = 1")),
            (".hidden", ApiHarness.NotebookText("x = 1")),
            ("a%2Fb", ApiHarness.NotebookText("x = 1")),
            (new string('n', 101), ApiHarness.NotebookText("x = 1")),
            (big, ApiHarness.NotebookText("x = 1", "s = '" + new string('a', 5000) + "'")),
            (leak, ApiHarness.NotebookText("x = 1", "token = 'ghp_" + "0123456789abcdefghijABCDEFGHIJ0123456789'")),
            (empty, string.Empty),
        };

        foreach (var (route, text) in attempts)
        {
            var status = (await api.PublishAsync(route, text)).Response.StatusCode;
            Assert.True((int)status is >= 400 and < 500, $"{route}: {status}");
        }

        var notebooks = ApiHarness.Blobs.GetBlobContainerClient(Core.Storage.StorageLayout.NotebooksContainer);
        await foreach (var blob in notebooks.GetBlobsAsync())
        {
            Assert.DoesNotContain("..", blob.Name.Split('/'));
            Assert.False(blob.Name.StartsWith(big + "/", StringComparison.Ordinal) || blob.Name.StartsWith(leak + "/", StringComparison.Ordinal) || blob.Name.StartsWith(empty + "/", StringComparison.Ordinal), blob.Name);
            Assert.False(blob.Name.StartsWith(".hidden/", StringComparison.Ordinal) || blob.Name.StartsWith("etc/", StringComparison.Ordinal) || blob.Name.StartsWith("a/b/", StringComparison.Ordinal), blob.Name);
        }
    }
}
