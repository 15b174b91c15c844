using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// One caller per run id starts it; a claim whose owner died before scheduling is taken over, not stuck forever, but
/// only by its own task hub: another hub's claim may be a run still queued there.
/// </summary>
public sealed class RunClaimsTests
{
    [Fact]
    public async Task Only_the_first_claim_wins_while_it_is_fresh_or_its_run_exists()
    {
        var claims = new RunClaims(ApiHarness.Blobs);
        var id = $"claim-{Guid.NewGuid():N}";

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => claims.TryClaimAsync(id, () => Task.FromResult(false), default)));

        Assert.Equal(1, results.Count(r => r.Won));
    }

    [Fact]
    public async Task An_abandoned_claim_is_taken_over_once_and_never_while_its_run_exists()
    {
        var stale = new RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero);
        var id = $"claim-{Guid.NewGuid():N}";
        Assert.True((await stale.TryClaimAsync(id, () => Task.FromResult(false), default)).Won);

        Assert.False((await stale.TryClaimAsync(id, () => Task.FromResult(true), default)).Won);
        Assert.True((await stale.TryClaimAsync(id, () => Task.FromResult(false), default)).Won);
    }

    [Fact]
    public async Task Another_task_hubs_claim_is_never_taken_over_however_old_and_its_own_hub_still_can()
    {
        var hubA = new RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero, taskHub: "hubA");
        var hubB = new RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero, taskHub: "hubB");
        var id = $"claim-{Guid.NewGuid():N}";
        var blob = ApiHarness.Blobs.GetBlobContainerClient("runs").GetBlobClient($"{id}/claim.json");
        Assert.True((await hubA.TryClaimAsync(id, () => Task.FromResult(false), default)).Won);
        var written = (await blob.DownloadContentAsync()).Value.Content.ToString();

        // Hub B cannot see hub A's runs: "no run" there says nothing about a run queued in hub A.
        var seen = await hubB.TryClaimAsync(id, () => Task.FromResult(false), default);

        Assert.False(seen.Won);
        Assert.Equal("hubA", seen.OtherTaskHub);
        Assert.NotNull(seen.ClaimedAt);
        Assert.Equal(written, (await blob.DownloadContentAsync()).Value.Content.ToString());
        Assert.True((await hubA.TryClaimAsync(id, () => Task.FromResult(false), default)).Won);
    }

    [Fact]
    public async Task A_claim_that_names_no_task_hub_is_taken_over_when_abandoned_as_before()
    {
        var id = $"claim-{Guid.NewGuid():N}";
        var blob = ApiHarness.Blobs.GetBlobContainerClient("runs").GetBlobClient($"{id}/claim.json");
        await ApiHarness.Blobs.GetBlobContainerClient("runs").CreateIfNotExistsAsync();
        await blob.UploadAsync(BinaryData.FromString($$"""{"runId":"{{id}}","claimedBy":"old-host","at":"2026-01-01T00:00:00Z"}"""));

        var seen = await new RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero, taskHub: "hubB").TryClaimAsync(id, () => Task.FromResult(false), default);

        Assert.True(seen.Won);
        Assert.Contains("\"taskHub\":\"hubB\"", (await blob.DownloadContentAsync()).Value.Content.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hub_names_differing_only_in_case_are_one_hub_and_a_caller_naming_no_hub_never_takes_a_named_claim()
    {
        var id = $"claim-{Guid.NewGuid():N}";
        Assert.True((await new RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero, taskHub: "TeamHub").TryClaimAsync(id, () => Task.FromResult(false), default)).Won);

        var unnamed = await new RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero).TryClaimAsync(id, () => Task.FromResult(false), default);
        var sameHub = await new RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero, taskHub: "teamhub").TryClaimAsync(id, () => Task.FromResult(false), default);

        Assert.Equal((false, "TeamHub"), (unnamed.Won, unnamed.OtherTaskHub));
        Assert.True(sameHub.Won);
    }

    [Theory]
    [InlineData("{\"taskHub\":\"a\",\"taskHub\":\"b\"}")]
    [InlineData("{\"taskHub\":\"hub name with spaces\"}")]
    [InlineData("not json at all")]
    public async Task A_claim_this_code_did_not_write_names_no_hub_and_is_taken_over_when_abandoned(string text)
    {
        var id = $"claim-{Guid.NewGuid():N}";
        await ApiHarness.Blobs.GetBlobContainerClient("runs").CreateIfNotExistsAsync();
        await ApiHarness.Blobs.GetBlobContainerClient("runs").GetBlobClient($"{id}/claim.json").UploadAsync(BinaryData.FromString(text + new string(' ', 10_000)));

        var seen = await new RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero, taskHub: "hubB").TryClaimAsync(id, () => Task.FromResult(false), default);

        Assert.Equal((true, (string?)null), (seen.Won, seen.OtherTaskHub));
    }
}
