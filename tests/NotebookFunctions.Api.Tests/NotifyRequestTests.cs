using System.Net;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// A run's, a schedule's and a pipeline run's notify list, refused at request time with a problem naming the entry and
/// member (notify[0].url) before anything is stored or scheduled: targets inside the backend's network in every
/// notation (the SSRF guard; this host does not set NBF_NOTIFY_ALLOW_PRIVATE), and careless entries.
/// </summary>
public sealed class NotifyRequestTests
{
    private const string Sum = "input_path = 'x.csv'\noutput_dir = 'out'\nscale: int = 1";

    /// <summary>A public address as a literal: passes the guard without DNS, which tests may not have.</summary>
    private const string Public = "https://93.184.215.14/hooks/nbf";

    [Fact]
    public async Task Private_loopback_and_link_local_targets_and_careless_entries_are_refused_naming_the_field_and_nothing_is_stored()
    {
        await using var api = await ApiHarness.StartAsync();
        var token = Guid.NewGuid().ToString("N")[..10];
        var notebook = $"ntf-{token}";
        await api.PublishAsync(notebook, ApiHarness.NotebookText(Sum, "import os\nos.makedirs(output_dir, exist_ok=True)"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", "region,amount\nnorth,1\n");
        string RunWith(string notify) => $"{{\"notebook\": \"{notebook}\", \"input\": {{\"container\": \"{input.Name}\", \"prefix\": \"sales.csv\"}}, \"notify\": {notify}}}";
        string To(string url) => RunWith($"[{{\"url\": \"{url}\", \"on\": [\"failed\"]}}]");
        var pipeline = $"ntfp-{token}";
        await api.PublishAsync($"{notebook}-step", PipelineApiTests.StepNotebook());
        var (published, body) = await PipelineApiTests.PutAsync(api, pipeline, PipelineApiTests.TwoSteps($"{notebook}-step"));
        Assert.True(published.IsSuccessStatusCode, body.ToJsonString());

        // A secret holding a URL inside: refused as the URL itself would be, without the value (the hook's key) in the answer.
        var hiddenHook = $"NBF_TEST_HOOK_{token}";
        Environment.SetEnvironmentVariable(hiddenHook, $"http://127.0.0.1:9/hidden-{token}");
        BadRequest Run(string name, string requestBody, string field, string? says = null) => new(name, HttpMethod.Post, "/api/runs", requestBody, 400, field, Says: says);
        var cases = new List<BadRequest>
        {
            // The SSRF guard: every address a Runner could use to reach the backend's own network, in the notations URLs allow.
            Run("loopback", To("http://127.0.0.1:9/hook"), "notify[0].url", "loopback"),
            Run("cloud metadata endpoint", To("http://169.254.169.254/latest/meta-data/"), "notify[0].url", "link-local"),
            Run("private 10/8", To("http://10.1.2.3/hook"), "notify[0].url", "private"),
            Run("private 172.16/12", To("https://172.20.0.1/hook"), "notify[0].url", "private"),
            Run("private 192.168/16", To("https://192.168.1.10/hook"), "notify[0].url", "private"),
            Run("carrier-grade NAT", To("https://100.64.0.1/hook"), "notify[0].url", "carrier-grade"),
            Run("unspecified", To("http://0.0.0.0:8080/"), "notify[0].url", "unspecified"),
            Run("broadcast", To("http://255.255.255.255/"), "notify[0].url"),
            Run("IPv6 loopback", To("http://[::1]:8080/hook"), "notify[0].url", "loopback"),
            Run("IPv6 link-local", To("http://[fe80::1]/hook"), "notify[0].url", "link-local"),
            Run("IPv6 unique-local", To("http://[fd12:3456::1]/hook"), "notify[0].url", "unique-local"),
            Run("IPv4-mapped IPv6 loopback", To("http://[::ffff:127.0.0.1]/hook"), "notify[0].url", "loopback"),
            Run("IPv4-mapped IPv6 metadata", To("http://[::ffff:169.254.169.254]/"), "notify[0].url", "link-local"),
            Run("NAT64 private", To("http://[64:ff9b::10.0.0.1]/"), "notify[0].url", "private"),
            Run("loopback as one decimal number", To("http://2130706433/hook"), "notify[0].url", "loopback"),
            Run("loopback in hex", To("http://0x7f000001/hook"), "notify[0].url", "loopback"),
            Run("a name resolving to loopback", To("http://localhost:8080/hook"), "notify[0].url", "resolves to"),
            Run("the second entry private", RunWith($"[{{\"url\": \"{Public}\", \"on\": [\"failed\"]}}, {{\"url\": \"http://10.0.0.7/\", \"on\": [\"completed\"]}}]"), "notify[1].url", "private"),
            // Careless entries.
            Run("no url", RunWith("[{\"on\": [\"failed\"]}]"), "notify[0].url"),
            Run("relative url", To("/hooks/nbf"), "notify[0].url"),
            Run("ftp url", To("ftp://93.184.215.14/x"), "notify[0].url"),
            Run("file url", To("file:///etc/passwd"), "notify[0].url"),
            Run("credentials in the url", To("https://user:pa55word@93.184.215.14/hook"), "notify[0].url", "credentials"),
            Run("url over the limit", To("https://93.184.215.14/" + new string('a', 2100)), "notify[0].url"),
            Run("no states", RunWith($"[{{\"url\": \"{Public}\"}}]"), "notify[0].on"),
            Run("empty states", RunWith($"[{{\"url\": \"{Public}\", \"on\": []}}]"), "notify[0].on"),
            Run("misspelled state", RunWith($"[{{\"url\": \"{Public}\", \"on\": [\"completed\", \"faild\"]}}]"), "notify[0].on[1]", "did you mean 'failed'?"),
            Run("a state twice", RunWith($"[{{\"url\": \"{Public}\", \"on\": [\"failed\", \"failed\"]}}]"), "notify[0].on[1]"),
            Run("unknown format", RunWith($"[{{\"url\": \"{Public}\", \"on\": [\"failed\"], \"format\": \"email\"}}]"), "notify[0].format"),
            Run("secret name with spaces", RunWith($"[{{\"url\": \"{Public}\", \"on\": [\"failed\"], \"secret\": \"bad name!\"}}]"), "notify[0].secret"),
            Run("unknown secret", RunWith($"[{{\"url\": \"{Public}\", \"on\": [\"failed\"], \"secret\": \"NBF_NO_SUCH_SECRET_ANYWHERE\"}}]"), "notify[0].secret"),
            Run("misspelled member", RunWith($"[{{\"urll\": \"{Public}\", \"on\": [\"failed\"]}}]"), "notify[0].urll", "did you mean 'notify[0].url'?"),
            Run("null entry", RunWith("[null]"), "notify[0]"),
            Run("url and urlSecret both", RunWith($"[{{\"url\": \"{Public}\", \"urlSecret\": \"HOOK\", \"on\": [\"failed\"]}}]"), "notify[0]"),
            Run("urlSecret of a bad name", RunWith("[{\"urlSecret\": \"no such/name\", \"on\": [\"failed\"]}]"), "notify[0].urlSecret"),
            Run("urlSecret no source knows", RunWith("[{\"urlSecret\": \"NBF_NO_SUCH_SECRET_ANYWHERE\", \"on\": [\"failed\"]}]"), "notify[0].urlSecret"),
            Run("urlSecret holding a loopback URL", RunWith($"[{{\"urlSecret\": \"{hiddenHook}\", \"on\": [\"failed\"]}}]"), "notify[0].urlSecret", "loopback"),
            Run("eleven notifications", RunWith("[" + string.Join(", ", Enumerable.Repeat($"{{\"url\": \"{Public}\", \"on\": [\"failed\"]}}", 11)) + "]"), "notify"),
            Run("notify as an object", RunWith($"{{\"url\": \"{Public}\"}}"), "notify", "must be a list of objects"),
            // The same rule under a schedule's run and a pipeline run.
            new("schedule run to loopback", HttpMethod.Put, $"/api/schedules/s-{token}", $"{{\"cron\": \"0 6 * * *\", \"run\": {To("http://127.0.0.1/hook")}}}", 400, "run.notify[0].url"),
            new("schedule pipeline to metadata", HttpMethod.Put, $"/api/schedules/s-{token}", $"{{\"cron\": \"0 6 * * *\", \"pipeline\": {{\"pipeline\": \"{pipeline}\", \"notify\": [{{\"url\": \"http://169.254.169.254/\", \"on\": [\"failed\"]}}]}}}}", 400, "pipeline.notify[0].url"),
            new("pipeline run to a private address", HttpMethod.Post, $"/api/pipelines/{pipeline}/runs", "{\"notify\": [{\"url\": \"http://192.168.0.1/\", \"on\": [\"failed\"]}]}", 400, "notify[0].url"),
            new("pipeline run with a misspelled state", HttpMethod.Post, $"/api/pipelines/{pipeline}/runs", $"{{\"notify\": [{{\"url\": \"{Public}\", \"on\": [\"complete\"]}}]}}", 400, "notify[0].on[0]"),
        };

        string[] needles = [token, input.Name];
        string[] prefixes = [$"ntf-{token}", $"ntfp-{token}", $"s-{token}"];
        await BadRequests.AssertEachRefusedLeavingStorageAsync(api, cases, needles, prefixes);
        var (hiddenStatus, _, hiddenText) = await BadRequests.SendAsync(api, cases.Single(c => c.Name == "urlSecret holding a loopback URL"));
        Assert.Equal(400, hiddenStatus);
        Assert.DoesNotContain($"hidden-{token}", hiddenText, StringComparison.Ordinal);
        Environment.SetEnvironmentVariable(hiddenHook, null);

        var (_, runs) = await api.SendAsync(HttpMethod.Get, $"/api/runs?notebook={notebook}");
        Assert.Empty(runs["runs"]!.AsArray());
        var (_, pipelineRuns) = await api.SendAsync(HttpMethod.Get, $"/api/runs?pipeline={pipeline}");
        Assert.Empty(pipelineRuns["runs"]!.AsArray());
        var (_, schedules) = await api.SendAsync(HttpMethod.Get, "/api/schedules");
        Assert.DoesNotContain(schedules["schedules"]!.AsArray(), s => s!["name"]!.GetValue<string>() == $"s-{token}");
    }

    [Fact]
    public async Task A_retried_idempotency_key_with_other_notifications_is_refused_naming_notify()
    {
        await using var api = await ApiHarness.StartAsync();
        var notebook = ApiHarness.NewName("ntfi");
        await api.PublishAsync(notebook, ApiHarness.NotebookText(Sum, "import os\nos.makedirs(output_dir, exist_ok=True)"));
        var input = await ApiHarness.UploadInputAsync("sales.csv", "region,amount\nnorth,1\n");
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = $"nightly-{Guid.NewGuid():N}" };
        object Body(string state) => new { notebook, input = new { container = input.Name, prefix = "sales.csv" }, notify = new[] { new { url = "https://93.184.215.14/hook", on = new[] { state } } } };

        var (_, first) = await api.SendAsync(HttpMethod.Post, "/api/runs", Body("completed"), key);
        var (different, problem) = await api.SendAsync(HttpMethod.Post, "/api/runs", Body("failed"), key);

        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal(["notify"], problem["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        // Its delivery to an address no receiver answers gives up or keeps trying; the run's own status is the notebook's.
        var id = first["id"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        JsonObject? manifest = null;
        while (manifest is null && DateTime.UtcNow < deadline)
        {
            var (response, files) = await api.SendAsync(HttpMethod.Get, $"/api/runs/{id}/files/manifest.json");
            if (response.IsSuccessStatusCode) manifest = files;
            else await Task.Delay(300);
        }

        Assert.Equal("Completed", manifest?["status"]?.GetValue<string>());
        Assert.DoesNotContain("93.184.215.14/hook", manifest!.ToJsonString(), StringComparison.Ordinal);
        await api.Client.TerminateInstanceAsync(id);
    }
}
