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
}
