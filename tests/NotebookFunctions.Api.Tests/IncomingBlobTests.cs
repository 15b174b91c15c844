using NotebookFunctions.Api.Incoming;

namespace NotebookFunctions.Api.Tests;

/// <summary>incoming/{notebook}/{blob}: a run per arrived blob, exactly once; unknown notebooks' blobs set aside with a reason.</summary>
public sealed class IncomingBlobTests
{
    private static async Task<string> UploadAsync(string name, string content)
    {
        var container = ApiHarness.Blobs.GetBlobContainerClient(IncomingBlobs.Container);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(content), overwrite: true);
        return name;
    }

    [Fact]
    public async Task A_blob_for_a_published_notebook_starts_one_run_over_exactly_that_blob()
    {
        await using var api = await ApiHarness.StartAsync();
        var notebook = ApiHarness.NewName("drop");
        await api.PublishAsync(notebook, ApiHarness.NotebookText(
            "input_path = 'x'\noutput_dir = 'o'",
            "import os\nos.makedirs(output_dir, exist_ok=True)\nopen(os.path.join(output_dir, 'seen.txt'), 'w').write(open(input_path).read())"));
        var blob = await UploadAsync($"{notebook}/day1.csv", "x\n1\n2\n");
        await UploadAsync($"{notebook}/day1.csv.bak", "x\n999\n");
        var handler = new IncomingBlobs(ApiHarness.Blobs);

        var first = await handler.HandleAsync(api.Client, blob, default);
        var redelivered = await handler.HandleAsync(api.Client, blob, default);

        Assert.True(first.Started);
        Assert.False(redelivered.Started);
        Assert.Equal(first.RunId, redelivered.RunId);
        var run = await api.WaitForRunAsync(first.RunId!);
        Assert.Equal("Completed", run["status"]!.GetValue<string>());
        var seen = await new Core.Storage.RunStore(ApiHarness.Blobs).DownloadTextAsync($"{first.RunId}/results/seen.txt");
        Assert.Equal("x\n1\n2\n", seen);

        // A host on another task hub sharing the storage sees the same blob: it was run already, so it is neither run
        // again over that run's records nor rejected (moved away from under them); it stays where it is.
        await using (var other = await ApiHarness.StartAsync())
        {
            var elsewhere = await handler.HandleAsync(other.Client, blob, default);
            Assert.Equal((false, first.RunId, (string?)null), (elsewhere.Started, elsewhere.RunId, elsewhere.RejectedTo));
            Assert.Contains("is not this task hub's", elsewhere.Reason, StringComparison.Ordinal);
            Assert.True(await ApiHarness.Blobs.GetBlobContainerClient(IncomingBlobs.Container).GetBlobClient(blob).ExistsAsync());
            Assert.Equal(seen, await new Core.Storage.RunStore(ApiHarness.Blobs).DownloadTextAsync($"{first.RunId}/results/seen.txt"));
        }

        // A new upload under the same name is a new ETag, so a new run.
        await UploadAsync(blob, "x\n3\n");
        var updated = await handler.HandleAsync(api.Client, blob, default);
        Assert.True(updated.Started);
        Assert.NotEqual(first.RunId, updated.RunId);
        await api.WaitForRunAsync(updated.RunId!);
    }

    [Fact]
    public async Task A_blob_for_a_published_pipeline_starts_one_pipeline_run_whose_steps_read_it()
    {
        await using var api = await ApiHarness.StartAsync();
        var copy = ApiHarness.NewName("copy");
        await api.PublishAsync(copy, ApiHarness.NotebookText(
            "input_path = 'x'\noutput_dir = 'o'",
            "import os, shutil\nos.makedirs(output_dir, exist_ok=True)\nsrc = input_path if os.path.isfile(input_path) else os.path.join(input_path, sorted(os.listdir(input_path))[0])\nshutil.copy(src, os.path.join(output_dir, 'seen.txt'))"));
        var pipeline = ApiHarness.NewName("flow");
        var deaf = ApiHarness.NewName("deaf");
        var service = new Orchestration.Runs.RunService(ApiHarness.Blobs, api.Client);
        await service.PublishPipelineAsync(pipeline, System.Text.Json.Nodes.JsonNode.Parse("""
            {"parameters": {"input_container": "incoming", "input_blob": "none"},
             "steps": {"land": {"notebook": "@copy@", "input": {"container": "${input_container}", "prefix": "${input_blob}"}},
                       "again": {"notebook": "@copy@", "depends_on": ["land"], "input": {"step": "land"}}}}
            """.Replace("@copy@", copy, StringComparison.Ordinal)), null, default);
        await service.PublishPipelineAsync(deaf, System.Text.Json.Nodes.JsonNode.Parse("""{"steps": {"only": {"notebook": "@copy@"}}}""".Replace("@copy@", copy, StringComparison.Ordinal)), null, default);
        var blob = await UploadAsync($"{pipeline}/day1.csv", "x\n1\n2\n");
        var unheard = await UploadAsync($"{deaf}/day1.csv", "x\n1\n");
        var handler = new IncomingBlobs(ApiHarness.Blobs);

        var first = await handler.HandleAsync(api.Client, blob, default);
        var redelivered = await handler.HandleAsync(api.Client, blob, default);
        var rejected = await handler.HandleAsync(api.Client, unheard, default);

        Assert.True(first.Started, first.Reason);
        Assert.Equal((false, first.RunId), (redelivered.Started, redelivered.RunId));
        var run = await api.WaitForRunAsync(first.RunId!);
        Assert.Equal("Completed", run["status"]!.GetValue<string>());
        var store = new Core.Storage.RunStore(ApiHarness.Blobs);
        Assert.Equal("x\n1\n2\n", await store.DownloadTextAsync($"{first.RunId}/steps/land/results/seen.txt"));
        Assert.Equal("x\n1\n2\n", await store.DownloadTextAsync($"{first.RunId}/steps/again/results/seen.txt"));
        Assert.Null(rejected.RunId);
        Assert.Contains("input_blob", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_for_an_unknown_notebook_is_moved_aside_with_a_reason_never_dropped()
    {
        await using var api = await ApiHarness.StartAsync();
        var notebook = ApiHarness.NewName("nobody");
        var blob = await UploadAsync($"{notebook}/orders.csv", "a\n1\n");

        var outcome = await new IncomingBlobs(ApiHarness.Blobs).HandleAsync(api.Client, blob, default);

        Assert.Null(outcome.RunId);
        Assert.Equal($"{IncomingBlobs.RejectedContainer}/{blob}", outcome.RejectedTo);
        var rejected = ApiHarness.Blobs.GetBlobContainerClient(IncomingBlobs.RejectedContainer);
        Assert.Equal("a\n1\n", (await rejected.GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToString());
        var reason = (await rejected.GetBlobClient(blob + ".reason.txt").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains($"no notebook or pipeline named '{notebook}'", reason);
        Assert.False((await ApiHarness.Blobs.GetBlobContainerClient(IncomingBlobs.Container).GetBlobClient(blob).ExistsAsync()).Value);
    }

    [Fact]
    public async Task Blobs_outside_a_notebook_folder_or_under_an_illegal_name_are_set_aside_too()
    {
        await using var api = await ApiHarness.StartAsync();
        var handler = new IncomingBlobs(ApiHarness.Blobs);
        var loose = await UploadAsync($"loose-{Guid.NewGuid():N}.csv", "a\n");
        var illegal = await UploadAsync($"Bad Name {Guid.NewGuid():N}/x.csv", "a\n");

        var looseOutcome = await handler.HandleAsync(api.Client, loose, default);
        var illegalOutcome = await handler.HandleAsync(api.Client, illegal, default);

        Assert.Contains("not under a notebook's folder", looseOutcome.Reason);
        Assert.Contains("is not a notebook name", illegalOutcome.Reason);
        Assert.NotNull(illegalOutcome.RejectedTo);
        var gone = await handler.HandleAsync(api.Client, loose, default);
        Assert.Equal("the blob is gone", gone.Reason);
    }
}
