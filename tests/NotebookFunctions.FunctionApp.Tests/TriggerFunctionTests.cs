using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using NotebookFunctions.Api;
using NotebookFunctions.Api.Endpoints;
using NotebookFunctions.Api.Incoming;
using NotebookFunctions.Api.Schedules;
using NotebookFunctions.FunctionApp.Functions;

namespace NotebookFunctions.FunctionApp.Tests;

/// <summary>The app's trigger methods, called as the host calls them, doing real work through the shared handlers.</summary>
public sealed class TriggerFunctionTests
{
    private static string Notebook() => TestNotebooks.Text(
        "input_path = 'x'\noutput_dir = 'o'\ngreeting = 'hi'",
        "import os\nos.makedirs(output_dir, exist_ok=True)\nopen(os.path.join(output_dir, 'n.txt'), 'w').write(str(len(open(input_path).read().splitlines())))");

    private static async Task<string> PublishAsync()
    {
        var name = $"fn-{Guid.NewGuid():N}"[..16];
        var request = FunctionsHarness.Request("PUT", Notebook());
        var result = await new NotebookHttpFunctions(new NotebooksApi(FunctionsHarness.Blobs, new ApiOptions())).PublishNotebook(request, name);
        var (status, _, _) = await FunctionsHarness.ExecuteAsync(result, request);
        Assert.Equal(201, status);
        return name;
    }

    [Fact]
    public async Task The_http_functions_publish_and_start_a_run_that_completes()
    {
        await using var durable = await FunctionsHarness.StartAsync();
        var notebook = await PublishAsync();
        var container = await DurableTestHosts.UploadInputAsync("d.csv", "a\n1\n2\n");
        var runs = new RunHttpFunctions(new RunsApi(FunctionsHarness.Blobs, new ApiOptions(), TimeProvider.System));
        var body = JsonSerializer.Serialize(new { notebook, input = new { container = container.Name, prefix = "d.csv" } });

        var request = FunctionsHarness.Request("POST", body);
        var (status, text, headers) = await FunctionsHarness.ExecuteAsync(await runs.StartRun(request, durable.Client), request);

        Assert.Equal(202, status);
        var id = JsonNode.Parse(text)!["id"]!.GetValue<string>();
        Assert.Equal($"/api/runs/{id}", headers.Location.ToString());
        await durable.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        var get = FunctionsHarness.Request("GET");
        var (getStatus, run, _) = await FunctionsHarness.ExecuteAsync(await runs.GetRun(get, durable.Client, id), get);
        Assert.Equal(200, getStatus);
        Assert.Equal("Completed", JsonNode.Parse(run)!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_timer_starts_a_due_schedule_and_the_blob_trigger_a_run_per_arrival()
    {
        await using var durable = await FunctionsHarness.StartAsync();
        var notebook = await PublishAsync();
        var incoming = FunctionsHarness.Blobs.GetBlobContainerClient(IncomingBlobs.Container);
        await incoming.CreateIfNotExistsAsync();
        var blobName = $"{notebook}/day.csv";
        await incoming.GetBlobClient(blobName).UploadAsync(BinaryData.FromString("a\n1\n"), overwrite: true);
        var schedule = $"t-{Guid.NewGuid():N}"[..14];
        await new ScheduleStore(FunctionsHarness.Blobs).PutAsync(new Schedule
        {
            Name = schedule,
            Cron = "* * * * *",
            Run = new Orchestration.Runs.RunSubmission { Notebook = notebook, Input = new Orchestration.Runs.InputSubmission { Container = IncomingBlobs.Container, Prefix = blobName } },
            Updated = DateTimeOffset.UtcNow.AddMinutes(-5),
        }, default);

        await new ScheduleTimerFunction(new ScheduleTicker(FunctionsHarness.Blobs), TimeProvider.System, NullLogger<ScheduleTimerFunction>.Instance)
            .Tick(new TimerInfo(), durable.Client, default);
        await new IncomingBlobFunction(new IncomingBlobs(FunctionsHarness.Blobs), NullLogger<IncomingBlobFunction>.Instance)
            .Arrived(incoming.GetBlobClient(blobName), blobName, durable.Client, default);

        var runs = new List<string>();
        await foreach (var run in durable.Client.GetAllInstancesAsync(new Microsoft.DurableTask.Client.OrchestrationQuery { InstanceIdPrefix = notebook + "-" })) runs.Add(run.InstanceId);
        Assert.Contains(runs, id => id.StartsWith($"{notebook}-sched-{schedule}-", StringComparison.Ordinal));
        Assert.Contains(runs, id => id.StartsWith($"{notebook}-blob-", StringComparison.Ordinal));
        foreach (var id in runs) await durable.Client.WaitForInstanceCompletionAsync(id, new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        await new ScheduleStore(FunctionsHarness.Blobs).DeleteAsync(schedule, default);
    }

    [Fact]
    public async Task The_pipeline_functions_publish_a_pipeline_read_it_back_and_start_a_run_that_completes()
    {
        await using var durable = await FunctionsHarness.StartAsync();
        var notebook = $"fn-{Guid.NewGuid():N}"[..16];
        var publishNotebook = FunctionsHarness.Request("PUT", TestNotebooks.Text("output_dir = 'o'\ngreeting = 'hi'", "import os\nos.makedirs(output_dir, exist_ok=True)\nopen(os.path.join(output_dir, 'g.txt'), 'w').write(greeting)"));
        Assert.Equal(201, (await FunctionsHarness.ExecuteAsync(await new NotebookHttpFunctions(new NotebooksApi(FunctionsHarness.Blobs, new ApiOptions())).PublishNotebook(publishNotebook, notebook), publishNotebook)).Status);
        var pipelines = new PipelineHttpFunctions(new PipelinesApi(FunctionsHarness.Blobs, new ApiOptions(), TimeProvider.System));
        var name = $"fp-{Guid.NewGuid():N}"[..16];
        var definition = JsonSerializer.Serialize(new
        {
            parameters = new { greeting = "hello" },
            steps = new { first = new { notebook, parameters = new { greeting = "${greeting}" } }, second = new { notebook, depends_on = new[] { "first" } } },
        });

        var put = FunctionsHarness.Request("PUT", definition);
        var (putStatus, published, _) = await FunctionsHarness.ExecuteAsync(await pipelines.PublishPipeline(put, durable.Client, name), put);
        var get = FunctionsHarness.Request("GET");
        var (getStatus, read, _) = await FunctionsHarness.ExecuteAsync(await pipelines.GetPipeline(get, durable.Client, name), get);
        var post = FunctionsHarness.Request("POST", "{\"parameters\": {\"greeting\": \"hey\"}}");
        var (postStatus, started, headers) = await FunctionsHarness.ExecuteAsync(await pipelines.StartPipelineRun(post, durable.Client, name), post);

        Assert.True(putStatus == 201, published);
        Assert.Equal(200, getStatus);
        Assert.Equal(JsonNode.Parse(published)!["version"]!.GetValue<string>(), JsonNode.Parse(read)!["version"]!.GetValue<string>());
        Assert.True(postStatus == 202, started);
        var id = JsonNode.Parse(started)!["id"]!.GetValue<string>();
        Assert.Equal($"/api/runs/{id}", headers.Location.ToString());
        await durable.Client.WaitForInstanceCompletionAsync(id, new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        var runs = new RunHttpFunctions(new RunsApi(FunctionsHarness.Blobs, new ApiOptions(), TimeProvider.System));
        var getRun = FunctionsHarness.Request("GET");
        var (_, run, _) = await FunctionsHarness.ExecuteAsync(await runs.GetRun(getRun, durable.Client, id), getRun);
        var view = JsonNode.Parse(run)!;
        Assert.True(view["status"]!.GetValue<string>() == "Completed", run);
        Assert.Equal(["first", "second"], view["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        var greeting = await new Core.Storage.RunStore(FunctionsHarness.Blobs).DownloadTextAsync(Core.Storage.StorageLayout.ResultsPrefix(Core.Storage.StorageLayout.StepRecord(id, "first")) + "g.txt");
        Assert.Equal("hey", greeting);
    }
}
