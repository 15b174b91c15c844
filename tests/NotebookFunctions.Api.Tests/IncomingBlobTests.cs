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

        // A new upload under the same name is a new ETag, so a new run.
        await UploadAsync(blob, "x\n3\n");
        var updated = await handler.HandleAsync(api.Client, blob, default);
        Assert.True(updated.Started);
        Assert.NotEqual(first.RunId, updated.RunId);
        await api.WaitForRunAsync(updated.RunId!);
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
        Assert.Contains($"no notebook named '{notebook}'", reason);
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
