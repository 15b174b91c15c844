using System.Text.Json.Nodes;

namespace NotebookFunctions.Cli.Tests;

/// <summary>
/// Notifications of fan-out runs on the local durable host, to a receiver on loopback (allowed by
/// NBF_NOTIFY_ALLOW_PRIVATE for these hosts only), on a private Azurite: one event per notification whose states include
/// the run's, each signed as Standard Webhooks sign (checked here with its own HMAC), secrets masked; and a delivery
/// cut short by a SIGKILLed host delivered after `nbf resume`, with the same event id.
/// </summary>
public sealed class NotificationDeliveryTests
{
    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0";
    private const string HookKey = "hook-signing-key-7c1f9a";
    private const string ChunkSecret = "chunk-secret-value-4d2e";

    private static async Task<(string Notebook, string Data, Dictionary<string, string> Environment)> PrepareAsync(string folder, PrivateAzurite azurite, params string[] cells)
    {
        var notebook = TestNotebooks.Write(folder, "notified.ipynb", Parameters, cells);
        var data = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(data, "v\n" + string.Concat(Enumerable.Range(0, 90).Select(i => $"{i}\n")));
        var environment = new Dictionary<string, string>
        {
            ["NBF_STORAGE"] = azurite.ConnectionString,
            ["NBF_AZURITE_DATA"] = Path.Combine(folder, "azurite"),
            ["NBF_TASK_HUB"] = $"nbfn{Guid.NewGuid():N}"[..16],
            ["NBF_NOTIFY_ALLOW_PRIVATE"] = "true",
            ["HOOK_KEY"] = HookKey,
            ["CHUNK_SECRET"] = ChunkSecret,
        };
        return (notebook, data, environment);
    }

    [Fact]
    public async Task A_run_that_ends_with_failures_sends_one_signed_event_to_each_notification_naming_that_state_and_none_to_the_others()
    {
        var folder = NbfProcess.TempFolder();
        await using var azurite = await PrivateAzurite.StartAsync(Path.Combine(folder, "azurite"));
        using var receiver = WebhookReceiver.Start();
        var (notebook, data, environment) = await PrepareAsync(folder, azurite,
            "import os\nif chunk_index == 1:\n    raise ValueError('row rejected by ' + os.environ['CHUNK_SECRET'])\nopen(os.path.join(output_dir, 'ok.txt'), 'w').write('ok')");

        var run = await NbfProcess.RunAsync(environment, "run", notebook, "--input", data, "--split", "100B", "--continue-on-failure", "--max-attempts", "1", "--secret", "CHUNK_SECRET",
            "--notify", $"{receiver.Url("events")},on=failed+completedWithFailures,secret=HOOK_KEY",
            "--notify", $"{receiver.Url("slack")},on=completedWithFailures,format=slack",
            "--notify", $"{receiver.Url("teams")},on=completedWithFailures,format=teams,secret=HOOK_KEY",
            "--notify", $"{receiver.Url("never")},on=completed");

        Assert.True(run.ExitCode == 4, run.Stderr);
        var runId = run.Stdout.Trim();
        Assert.Single(receiver.On("events"));
        Assert.Single(receiver.On("slack"));
        Assert.Single(receiver.On("teams"));
        Assert.Empty(receiver.On("never"));

        var cloudEvent = receiver.On("events")[0];
        Assert.StartsWith("application/cloudevents+json", cloudEvent.Header("content-type"));
        Assert.True(WebhookReceiver.SignatureIsValid(cloudEvent, HookKey), $"signature does not verify: {cloudEvent.Header("webhook-signature")}");
        Assert.False(WebhookReceiver.SignatureIsValid(cloudEvent, HookKey + "x"));
        var body = JsonNode.Parse(cloudEvent.Text)!;
        Assert.Equal("1.0", body["specversion"]!.GetValue<string>());
        Assert.Equal(cloudEvent.Header("webhook-id"), body["id"]!.GetValue<string>());
        Assert.Equal("io.notebookfunctions.run.completedWithFailures", body["type"]!.GetValue<string>());
        Assert.Equal($"/notebook-functions/runs/{runId}", body["source"]!.GetValue<string>());
        Assert.Equal("notified", body["subject"]!.GetValue<string>());
        Assert.Equal("application/json", body["datacontenttype"]!.GetValue<string>());
        var eventData = body["data"]!;
        Assert.Equal(runId, eventData["runId"]!.GetValue<string>());
        Assert.Equal("notified", eventData["notebook"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", eventData["version"]!.GetValue<string>());
        Assert.Equal("CompletedWithFailures", eventData["status"]!.GetValue<string>());
        Assert.Equal(1, eventData["chunks"]!["failed"]!.GetValue<int>());
        Assert.True(eventData["chunks"]!["total"]!.GetValue<int>() >= 3);
        var failed = eventData["failedChunks"]!.AsArray().Single()!;
        Assert.Equal(1, failed["index"]!.GetValue<int>());
        Assert.Equal("ValueError", failed["exceptionName"]!.GetValue<string>());
        Assert.Equal("row rejected by ***", failed["exceptionValue"]!.GetValue<string>());
        Assert.NotNull(failed["cell"]);
        Assert.NotNull(failed["cellId"]);
        Assert.Equal($"/api/runs/{runId}", eventData["links"]!["run"]!.GetValue<string>());

        var slack = receiver.On("slack")[0];
        Assert.Null(slack.Header("webhook-signature"));
        Assert.NotEqual(cloudEvent.Header("webhook-id"), slack.Header("webhook-id"));
        var slackBody = JsonNode.Parse(slack.Text)!;
        Assert.Contains(runId, slackBody["text"]!.GetValue<string>());
        Assert.Contains(slackBody["blocks"]!.AsArray(), b => b!["text"]?["text"]?.GetValue<string>().Contains("ValueError", StringComparison.Ordinal) == true);
        var teams = receiver.On("teams")[0];
        Assert.True(WebhookReceiver.SignatureIsValid(teams, HookKey));
        Assert.Equal("application/vnd.microsoft.card.adaptive", JsonNode.Parse(teams.Text)!["attachments"]![0]!["contentType"]!.GetValue<string>());
        foreach (var request in receiver.Received)
        {
            Assert.DoesNotContain(ChunkSecret, request.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(HookKey, request.Text, StringComparison.Ordinal);
        }

        // The run's record says how each went; the signing key and the target's path are nowhere in it.
        var status = await NbfProcess.RunAsync(environment, "status", runId);
        Assert.Contains($"notify[0] delivered to http://127.0.0.1:{receiver.Port}/… (1 attempt(s), event {cloudEvent.Header("webhook-id")})", status.Stdout);
        Assert.Contains("notify[2] delivered", status.Stdout);
        Assert.DoesNotContain("notify[3]", status.Stdout);
        Assert.DoesNotContain(HookKey, status.Stdout + status.Stderr + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_error_is_retried_with_the_same_event_a_refusal_is_not_and_neither_changes_the_run()
    {
        var folder = NbfProcess.TempFolder();
        await using var azurite = await PrivateAzurite.StartAsync(Path.Combine(folder, "azurite"));
        var flaky = 0;
        using var receiver = WebhookReceiver.Start(request => Task.FromResult(request.Path switch
        {
            "/flaky" => Interlocked.Increment(ref flaky) == 1 ? 503 : 200,
            "/gone" => 410,
            _ => 200,
        }));
        var (notebook, data, environment) = await PrepareAsync(folder, azurite, "open(output_dir + '/ok.txt', 'w').write('ok')");
        // A webhook whose URL is its key: named by a secret, so the URL is in no history, record or output.
        environment["SLACK_HOOK_URL"] = receiver.Url("services/T0/B0/hidden-key-3f9");

        var run = await NbfProcess.RunAsync(environment, "run", notebook, "--input", data, "--split", "200B",
            "--notify", $"{receiver.Url("flaky")},on=completed,secret=HOOK_KEY",
            "--notify", $"{receiver.Url("gone")},on=completed+failed",
            "--notify", "urlSecret=SLACK_HOOK_URL,on=completed,format=slack");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var flakyDeliveries = receiver.On("flaky");
        Assert.Equal(2, flakyDeliveries.Count);
        Assert.Single(flakyDeliveries.Select(d => d.Header("webhook-id")).Distinct());
        Assert.Equal(flakyDeliveries[0].Text, flakyDeliveries[1].Text);
        Assert.Single(receiver.On("gone"));
        Assert.Contains("notify[0] delivered to", run.Stderr);
        Assert.Contains("(2 attempt(s)", run.Stderr);
        Assert.Contains("notify[1] gave up on", run.Stderr);
        Assert.Contains("the receiver answered 410", run.Stderr);
        Assert.Single(receiver.On("services/T0/B0/hidden-key-3f9"));
        var status = await NbfProcess.RunAsync(environment, "status", run.Stdout.Trim());
        Assert.Contains(": Completed", status.Stdout);
        Assert.Contains("notify[2] delivered to the URL in secret 'SLACK_HOOK_URL'", status.Stdout);
        Assert.DoesNotContain("hidden-key-3f9", run.Stderr + status.Stdout + status.Stderr, StringComparison.Ordinal);
        var records = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("runs");
        await foreach (var blob in records.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = run.Stdout.Trim() + "/" }))
        {
            if (blob.Name.EndsWith(".json", StringComparison.Ordinal))
                Assert.DoesNotContain("hidden-key-3f9", (await records.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_host_that_does_not_allow_private_targets_refuses_to_connect_to_one_a_run_was_accepted_with()
    {
        var folder = NbfProcess.TempFolder();
        await using var azurite = await PrivateAzurite.StartAsync(Path.Combine(folder, "azurite"));
        using var receiver = WebhookReceiver.Start();
        var (notebook, data, environment) = await PrepareAsync(folder, azurite, "open(output_dir + '/ok.txt', 'w').write('ok')");

        // Accepted by a host that allows loopback targets, then run by one that does not: as if the name now pointed inside.
        var accepted = await NbfProcess.RunAsync(environment, "run", notebook, "--input", data, "--split", "200B", "--detach",
            "--notify", $"http://localhost:{receiver.Port}/inside,on=completed");
        Assert.True(accepted.ExitCode == 0, accepted.Stderr);
        environment.Remove("NBF_NOTIFY_ALLOW_PRIVATE");
        var resumed = await NbfProcess.RunAsync(environment, "resume");

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Empty(receiver.Received);
        Assert.Contains("notify[0] gave up on", resumed.Stderr);
        // A name, not an address: the URL's own check passes, and the connection refuses what the name resolves to.
        Assert.Contains("'localhost' resolves to", resumed.Stderr);
        Assert.Contains("a loopback address", resumed.Stderr);
    }

    [Fact]
    public async Task A_pipeline_run_tells_of_its_own_end_once_with_its_failed_step()
    {
        var folder = NbfProcess.TempFolder();
        await using var azurite = await PrivateAzurite.StartAsync(Path.Combine(folder, "azurite"));
        using var receiver = WebhookReceiver.Start();
        var (_, _, environment) = await PrepareAsync(folder, azurite, "pass");
        TestNotebooks.Write(folder, "ok.ipynb", "output_dir = 'out'", "open(output_dir + '/ok.txt', 'w').write('ok')");
        TestNotebooks.Write(folder, "breaks.ipynb", "input_path = 'in'\noutput_dir = 'out'", "raise KeyError('region')");
        var pipeline = Path.Combine(folder, "told.pipeline.yaml");
        await File.WriteAllTextAsync(pipeline, """
            steps:
              first: {notebook: ok.ipynb}
              second: {notebook: breaks.ipynb, depends_on: [first], input: {step: first}, max_attempts: 1}
            """);

        var run = await NbfProcess.RunAsync(environment, "run", pipeline,
            "--notify", $"{receiver.Url("pipeline")},on=failed+completedWithFailures,secret=HOOK_KEY",
            "--notify", $"{receiver.Url("ok")},on=completed");

        Assert.True(run.ExitCode == 1, run.Stderr);
        var delivery = Assert.Single(receiver.On("pipeline"));
        Assert.Empty(receiver.On("ok"));
        Assert.True(WebhookReceiver.SignatureIsValid(delivery, HookKey));
        var body = JsonNode.Parse(delivery.Text)!;
        Assert.Equal("io.notebookfunctions.pipeline.failed", body["type"]!.GetValue<string>());
        Assert.Equal("told", body["data"]!["pipeline"]!.GetValue<string>());
        var step = Assert.Single(body["data"]!["failedSteps"]!.AsArray())!;
        Assert.Equal("second", step["name"]!.GetValue<string>());
        Assert.Contains("KeyError", step["error"]!.GetValue<string>());
        Assert.Contains("notify[0] delivered", run.Stderr);
    }

    [Fact]
    public async Task A_delivery_cut_short_by_a_killed_host_is_delivered_after_resume_with_the_same_event_id()
    {
        var folder = NbfProcess.TempFolder();
        await using var azurite = await PrivateAzurite.StartAsync(Path.Combine(folder, "azurite"));
        var firstHeld = new TaskCompletionSource();
        var held = 0;
        // The first delivery is held open until its host is dead; every later one is answered 200.
        using var receiver = WebhookReceiver.Start(async request =>
        {
            if (Interlocked.Increment(ref held) == 1)
            {
                await firstHeld.Task;
                return 500;
            }

            return 200;
        });
        var (notebook, data, environment) = await PrepareAsync(folder, azurite, "open(output_dir + '/ok.txt', 'w').write('ok')");
        var runId = $"notified-{Guid.NewGuid():N}"[..20];

        using (var host = NbfProcess.Start(environment, "run", notebook, "--input", data, "--split", "200B", "--run-id", runId,
            "--notify", $"{receiver.Url("events")},on=completed,secret=HOOK_KEY"))
        {
            _ = host.StandardOutput.ReadToEndAsync();
            _ = host.StandardError.ReadToEndAsync();
            await receiver.WaitForAsync("events", 1, TimeSpan.FromMinutes(3));
            host.Kill(entireProcessTree: false);
            await host.WaitForExitAsync();
        }

        firstHeld.SetResult();
        var resumed = await NbfProcess.RunAsync(environment, "resume");

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains($"run {runId} Completed", resumed.Stderr);
        var deliveries = receiver.On("events");
        Assert.True(deliveries.Count >= 2, $"{deliveries.Count} deliveries");
        Assert.Single(deliveries.Select(d => d.Header("webhook-id")).Distinct());
        Assert.Single(deliveries.Select(d => JsonNode.Parse(d.Text)!["id"]!.GetValue<string>()).Distinct());
        Assert.Equal(deliveries[0].Header("webhook-id"), JsonNode.Parse(deliveries[^1].Text)!["id"]!.GetValue<string>());
        Assert.All(deliveries, d => Assert.True(WebhookReceiver.SignatureIsValid(d, HookKey)));
        Assert.Contains("notify[0] delivered", resumed.Stderr);
    }
}
