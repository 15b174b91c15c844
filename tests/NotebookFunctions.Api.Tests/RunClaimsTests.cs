using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api.Tests;

/// <summary>One caller per run id starts it; a claim whose owner died before scheduling is taken over, not stuck forever.</summary>
public sealed class RunClaimsTests
{
    [Fact]
    public async Task Only_the_first_claim_wins_while_it_is_fresh_or_its_run_exists()
    {
        var claims = new RunClaims(ApiHarness.Blobs);
        var id = $"claim-{Guid.NewGuid():N}";

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => claims.TryClaimAsync(id, () => Task.FromResult(false), default)));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task An_abandoned_claim_is_taken_over_once_and_never_while_its_run_exists()
    {
        var stale = new RunClaims(ApiHarness.Blobs, abandonedAfter: TimeSpan.Zero);
        var id = $"claim-{Guid.NewGuid():N}";
        Assert.True(await stale.TryClaimAsync(id, () => Task.FromResult(false), default));

        Assert.False(await stale.TryClaimAsync(id, () => Task.FromResult(true), default));
        Assert.True(await stale.TryClaimAsync(id, () => Task.FromResult(false), default));
    }
}
