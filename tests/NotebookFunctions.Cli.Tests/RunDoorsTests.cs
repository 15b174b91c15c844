using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// One run lifecycle behind every door: the same scenarios through the HTTP API (on <c>nbf serve</c>), through
/// <c>nbf</c> against the local host, and through <c>nbf --api</c> against the same <c>nbf serve</c>. Each door must
/// end the same way and name the same field.
/// </summary>
[Collection(ServeProcess.Collection)]
public sealed partial class RunDoorsTests : IAsyncLifetime
{
    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0\nscale: int = 1\npid_dir = ''\nfail_flag = ''";

    private static readonly string[] Cells =
    [
        "import os, time, pandas as pd\nif pid_dir:\n    open(os.path.join(pid_dir, f'{chunk_index}.pid'), 'w').write(str(os.getpid()))\n    time.sleep(300)",
        "if fail_flag and os.path.exists(fail_flag) and chunk_index == 1:\n    raise RuntimeError('chunk 1 refuses while the flag exists')",
        "df = pd.read_csv(input_path)\ndf['v'] = df['v'] * scale\ndf.to_csv(os.path.join(output_dir, 'scaled.csv'), index=False)",
    ];

    private static readonly Door[] Doors = [Door.Http, Door.NbfLocal, Door.NbfApi];

    private readonly string _folder = NbfProcess.TempFolder();
    private readonly string _localHub = $"nbfd{Guid.NewGuid():N}"[..16];
    private readonly string _notebook = $"doors-{Guid.NewGuid():N}"[..14];
    private readonly string _container = $"doors-{Guid.NewGuid():N}"[..20];
    private ServeProcess _serve = null!;

    public enum Door
    {
        Http,
        NbfLocal,
        NbfApi,
    }

    /// <summary>How a scenario ended at one door: a run's final status, or a refusal's kind and field.</summary>
    private sealed record Outcome(string Result, string? Field, string? RunId, string Transcript)
    {
        public (string, string?) Shape => (Result, Field);
    }

    public async Task InitializeAsync()
    {
        _serve = await ServeProcess.StartAsync();
        var path = TestNotebooks.Write(_folder, "doors.ipynb", Parameters, Cells);
        var published = await _serve.Http.PutAsync($"api/notebooks/{_notebook}", new StringContent(await File.ReadAllTextAsync(path), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var container = new BlobServiceClient("UseDevelopmentStorage=true").GetBlobContainerClient(_container);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("data.csv").UploadAsync(BinaryData.FromString("v\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"{i}\n"))), overwrite: true);
    }

    public async Task DisposeAsync() => await _serve.DisposeAsync();

    [Fact]
    public async Task Starts_retries_with_one_key_and_refusals_end_alike_and_name_the_same_field_at_every_door()
    {
        foreach (var door in Doors)
        {
            var key = $"key-{door}-{Guid.NewGuid():N}";
            var first = await StartAsync(door, new() { ["scale"] = "2" }, key: key);
            var retry = await StartAsync(door, new() { ["scale"] = "2" }, key: key);
            Assert.True(first.Result == "Completed", $"{door}: {first.Transcript}");
            Assert.True(retry.RunId == first.RunId, $"{door}: the same key started {retry.RunId} after {first.RunId}\n{retry.Transcript}");
            Assert.Equal(("Completed", (string?)null), retry.Shape);
        }

        var refusals = new (string Scenario, Func<Door, Task<Outcome>> Act, string Result, string Field)[]
        {
            ("unknown notebook", d => StartAsync(d, [], notebook: $"ghost-{Guid.NewGuid():N}"[..14]), "notfound", "notebook"),
            ("bad parameter type", d => StartAsync(d, new() { ["scale"] = "ten" }), "invalid", "parameters.scale"),
            ("unknown secret", d => StartAsync(d, [], secret: "NBF_NO_SUCH_SECRET_ANYWHERE"), "invalid", "secrets"),
            ("status of an unknown run", d => StatusAsync(d, $"no-such-run-{Guid.NewGuid():N}"), "notfound", "id"),
        };
        foreach (var (scenario, act, result, field) in refusals)
        {
            foreach (var door in Doors)
            {
                var outcome = await act(door);
                Assert.True(outcome.Shape == (result, field), $"{scenario} at {door}: expected {result} naming '{field}', got {outcome.Result} naming '{outcome.Field}'\n{outcome.Transcript}");
            }
        }

        // A refused start scheduled nothing: the served host has only the two runs started through it above.
        var (_, runs) = await GetJsonAsync($"api/runs?notebook={_notebook}");
        Assert.Equal(2, runs["runs"]!.AsArray().Count);
    }

    [Fact]
    public async Task Cancel_while_running_ends_the_run_cancelled_and_its_kernels_gone_at_every_door()
    {
        foreach (var door in Doors)
        {
            var pids = Directory.CreateDirectory(Path.Combine(_folder, $"pids-{door}")).FullName;
            var started = await StartInBackgroundAsync(door, new() { ["pid_dir"] = pids });
            var running = await WaitForPidsAsync(pids);

            var cancelled = await CancelAsync(door, started.RunId);

            Assert.True(cancelled.Result == "Cancelled", $"{door}: {cancelled.Transcript}");
            Assert.Equal("Cancelled", (await StatusAsync(door, started.RunId)).Result);
            Assert.True(await AllGoneAsync(running), $"{door}: kernels {string.Join(", ", running)} still run after the cancel");
            if (started.Process is { } follower)
            {
                // The nbf run that was following it on the local host ends too, saying so.
                await follower.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
                Assert.Equal(1, follower.ExitCode);
                Assert.Contains($"run {started.RunId} Cancelled", await started.Stderr!);
                follower.Dispose();
            }
        }
    }

    [Fact]
    public async Task Repair_reruns_the_failed_chunk_and_completes_at_every_door()
    {
        foreach (var door in Doors)
        {
            var flag = Path.Combine(_folder, $"fail-{door}");
            await File.WriteAllTextAsync(flag, "fail");
            var failed = await StartAsync(door, new() { ["fail_flag"] = flag }, continueOnFailure: true);
            Assert.True(failed.Result == "CompletedWithFailures", $"{door}: {failed.Transcript}");
            File.Delete(flag);

            var repaired = await RepairAsync(door, failed.RunId!);

            Assert.True(repaired.Result == "Completed", $"{door}: {repaired.Transcript}");
            Assert.Equal($"{failed.RunId}-repair", repaired.RunId);
            var again = await RepairAsync(door, repaired.RunId!);
            Assert.True(again.Shape == ("conflict", null), $"{door}: a repair of a run without failures: {again.Transcript}");
        }
    }

    [Fact]
    public async Task A_version_published_from_a_repository_names_its_commit_in_the_api_and_in_the_manifest_of_its_runs()
    {
        var repository = await TemporaryGitRepository.InitAsync();
        var file = $"notebooks/src-{Guid.NewGuid():N}"[..22] + ".ipynb";
        var path = repository.Write(file, TestNotebooks.Text(Parameters, Cells));
        var commit = await repository.CommitAllAsync("the notebook");
        var name = Core.Storage.NotebookStore.NameFromPath(path);

        // nbf run --api --publish: published with its source, then run there.
        var run = await NbfOutcomeAsync(Door.NbfApi, ["run", path, "--publish", "--input", $"{_container}/data.csv", "--split", "1KB"]);
        // An uncommitted change makes the next version say so.
        File.AppendAllText(path, "\n");
        var published = await NbfProcess.RunAsync(new Dictionary<string, string> { ["NBF_API_KEY"] = _serve.ApiKey }, "publish", path, "--api", _serve.ApiUrl);

        Assert.True(run.Result == "Completed", run.Transcript);
        Assert.True(published.ExitCode == 0, published.Stderr);
        var (_, notebook) = await GetJsonAsync($"api/notebooks/{name}");
        var sources = notebook["versions"]!.AsArray().Select(v => v!["source"]!).ToList();
        Assert.Equal([commit, commit], sources.Select(s => s["commit"]!.GetValue<string>()));
        Assert.Equal([file, file], sources.Select(s => s["path"]!.GetValue<string>()));
        Assert.Equal([false, true], sources.Select(s => s["dirty"]!.GetValue<bool>()));
        var manifest = await new Core.Storage.RunStore(new BlobServiceClient("UseDevelopmentStorage=true")).DownloadTextAsync($"{run.RunId}/manifest.json");
        var recorded = JsonNode.Parse(manifest!)!["notebook"]!["source"]!;
        Assert.Equal((commit, file, false), (recorded["commit"]!.GetValue<string>(), recorded["path"]!.GetValue<string>(), recorded["dirty"]!.GetValue<bool>()));
    }

    private async Task<Outcome> StartAsync(Door door, Dictionary<string, string> parameters, string? key = null, string? notebook = null, string? secret = null, bool continueOnFailure = false)
    {
        notebook ??= _notebook;
        if (door == Door.Http)
        {
            var body = new JsonObject
            {
                ["notebook"] = notebook,
                ["parameters"] = new JsonObject(parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)(int.TryParse(p.Value, out var n) ? JsonValue.Create(n) : JsonValue.Create(p.Value))))),
                ["input"] = new JsonObject { ["container"] = _container, ["prefix"] = "data.csv", ["chunkSize"] = "1KB" },
                ["maxAttempts"] = 1,
                ["onChunkFailure"] = continueOnFailure ? "continue" : "failFast",
            };
            if (secret is not null) body["secrets"] = new JsonArray(secret);
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/runs") { Content = JsonContent.Create(body) };
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            return await HttpOutcomeAsync(await _serve.Http.SendAsync(request), waitForRun: true);
        }

        var args = new List<string> { "run", notebook, "--input", $"{_container}/data.csv", "--split", "1KB", "--max-attempts", "1" };
        foreach (var (name, value) in parameters) args.AddRange(["-p", $"{name}={value}"]);
        if (key is not null) args.AddRange(["--idempotency-key", key]);
        if (secret is not null) args.AddRange(["--secret", secret]);
        if (continueOnFailure) args.Add("--continue-on-failure");
        return await NbfOutcomeAsync(door, args);
    }

    private async Task<(string RunId, System.Diagnostics.Process? Process, Task<string>? Stderr)> StartInBackgroundAsync(Door door, Dictionary<string, string> parameters)
    {
        switch (door)
        {
            case Door.Http:
            {
                var body = new { notebook = _notebook, parameters, input = new { container = _container, prefix = "data.csv", chunkSize = "1KB" } };
                var (response, json) = await SendJsonAsync(HttpMethod.Post, "api/runs", body);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                return (json["id"]!.GetValue<string>(), null, null);
            }

            case Door.NbfApi:
            {
                var args = new List<string> { "run", _notebook, "--input", $"{_container}/data.csv", "--split", "1KB", "--detach" };
                foreach (var (name, value) in parameters) args.AddRange(["-p", $"{name}={value}"]);
                var detached = await NbfOutcomeAsync(door, args);
                Assert.True(detached.RunId is not null, detached.Transcript);
                return (detached.RunId!, null, null);
            }

            default:
            {
                // On the local host the run executes in the nbf run that started it, which follows it until it ends.
                var args = new List<string> { "run", _notebook, "--input", $"{_container}/data.csv", "--split", "1KB" };
                foreach (var (name, value) in parameters) args.AddRange(["-p", $"{name}={value}"]);
                var process = NbfProcess.Start(Environment(door), [.. args]);
                var stderr = process.StandardError.ReadToEndAsync();
                var runId = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
                Assert.False(string.IsNullOrEmpty(runId), "nbf run printed no run id");
                _ = process.StandardOutput.ReadToEndAsync();
                return (runId!, process, stderr);
            }
        }
    }

    private async Task<Outcome> StatusAsync(Door door, string runId)
    {
        if (door == Door.Http) return await HttpOutcomeAsync(await _serve.Http.GetAsync($"api/runs/{runId}"), waitForRun: false);
        var outcome = await NbfOutcomeAsync(door, ["status", runId]);
        // nbf status prints "run ID: STATUS (...)" on stdout and exits 0 for any run it finds.
        return outcome.Result == "ok" && StatusLine().Match(outcome.Transcript) is { Success: true } m ? outcome with { Result = m.Groups["status"].Value } : outcome;
    }

    private async Task<Outcome> CancelAsync(Door door, string runId)
    {
        if (door == Door.Http)
        {
            var (response, json) = await SendJsonAsync(HttpMethod.Post, $"api/runs/{runId}/cancel", null);
            if (response.StatusCode != HttpStatusCode.Accepted) return new Outcome(KindOf(response.StatusCode), json["field"]?.GetValue<string>(), runId, json.ToJsonString());
            return await WaitForRunAsync(runId);
        }

        // nbf cancel returns once the run has stopped, naming how it ended.
        var outcome = await NbfOutcomeAsync(door, ["cancel", runId]);
        return outcome.Result == "ok" && CancelLine().Match(outcome.Transcript) is { Success: true } m ? outcome with { Result = m.Groups["status"].Value } : outcome;
    }

    private async Task<Outcome> RepairAsync(Door door, string runId)
    {
        if (door == Door.Http)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/runs/{runId}/repair");
            return await HttpOutcomeAsync(await _serve.Http.SendAsync(request), waitForRun: true);
        }

        return await NbfOutcomeAsync(door, ["repair", runId]);
    }

    private async Task<Outcome> HttpOutcomeAsync(HttpResponseMessage response, bool waitForRun)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            var json = JsonNode.Parse(text) as JsonObject ?? [];
            if (!response.IsSuccessStatusCode) return new Outcome(KindOf(response.StatusCode), json["field"]?.GetValue<string>(), null, text);
            var id = json["id"]!.GetValue<string>();
            return waitForRun ? await WaitForRunAsync(id) : new Outcome(json["status"]!.GetValue<string>(), null, id, text);
        }
    }

    private async Task<Outcome> WaitForRunAsync(string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var (_, run) = await GetJsonAsync($"api/runs/{id}");
            var status = run["status"]!.GetValue<string>();
            if (status is not ("Pending" or "Running")) return new Outcome(status, null, id, run.ToJsonString());
            Assert.True(DateTime.UtcNow < deadline, $"run {id} is still {status}");
            await Task.Delay(300);
        }
    }

    /// <summary>Runs nbf at a door and reads its outcome: the exit code's meaning, the field its error line names, the run id it printed.</summary>
    private async Task<Outcome> NbfOutcomeAsync(Door door, IEnumerable<string> arguments)
    {
        var args = arguments.ToList();
        if (door == Door.NbfApi) args.AddRange(["--api", _serve.ApiUrl]);
        var result = await NbfProcess.RunAsync(Environment(door), [.. args]);
        var transcript = $"nbf {string.Join(' ', args)} -> exit {result.ExitCode}\n{result.Stdout}{result.Stderr}";
        var field = FieldOf().Match(result.Stderr) is { Success: true } f ? f.Groups["field"].Value : null;
        var runId = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => !l.StartsWith("run ", StringComparison.Ordinal))?.Trim();
        var outcome = result.ExitCode switch
        {
            0 or 1 or 4 when RunEnded().Match(result.Stderr) is { Success: true } m => m.Groups["status"].Value,
            0 => "ok",
            2 => "invalid",
            5 => "notfound",
            6 => "conflict",
            var code => $"exit {code}",
        };
        return new Outcome(outcome, field, runId, transcript);
    }

    private Dictionary<string, string> Environment(Door door) => door == Door.NbfApi
        ? new() { ["NBF_API_KEY"] = _serve.ApiKey }
        : new() { ["NBF_TASK_HUB"] = _localHub };

    private async Task<(HttpResponseMessage Response, JsonObject Body)> SendJsonAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        var response = await _serve.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, JsonNode.Parse(text) as JsonObject ?? []);
    }

    private async Task<(HttpResponseMessage Response, JsonObject Body)> GetJsonAsync(string path) => await SendJsonAsync(HttpMethod.Get, path, null);

    private static string KindOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => "invalid",
        HttpStatusCode.NotFound => "notfound",
        HttpStatusCode.Conflict => "conflict",
        var other => $"http {(int)other}",
    };

    /// <summary>The kernels' pids, once the running chunks have written them.</summary>
    private static async Task<List<int>> WaitForPidsAsync(string folder)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (Directory.GetFiles(folder, "*.pid").Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no chunk started its kernel (no pid file in {folder})");
            await Task.Delay(200);
        }

        await Task.Delay(500);
        return Directory.GetFiles(folder, "*.pid").Select(f => int.Parse(File.ReadAllText(f), System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    private static async Task<bool> AllGoneAsync(IReadOnlyList<int> pids)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (pids.Any(Alive))
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(200);
        }

        return true;
    }

    /// <summary>Alive, and not a zombie waiting to be reaped.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\(field '(?<field>[^']+)'\)")]
    private static partial Regex FieldOf();

    [GeneratedRegex(@"run \S+ (?<status>Completed|CompletedWithFailures|Failed|Cancelled)\b")]
    private static partial Regex RunEnded();

    [GeneratedRegex(@"^run \S+: (?<status>\w+)", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"nbf cancel: run \S+ (?<status>\w+)")]
    private static partial Regex CancelLine();
}
