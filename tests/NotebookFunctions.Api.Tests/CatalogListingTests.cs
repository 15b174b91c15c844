using NotebookFunctions.Api.Endpoints;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Api.Tests;

/// <summary>The catalog's listing is kept briefly: a publish elsewhere shows within its age, a publish here at once.</summary>
public sealed class CatalogListingTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task A_listing_is_reused_until_it_is_old_or_this_host_published()
    {
        var clock = new ManualClock();
        var listing = new CatalogListing(ApiHarness.Blobs, clock);
        var store = new NotebookStore(ApiHarness.Blobs);
        await store.EnsureCreatedAsync();
        var first = ApiHarness.NewName("listed");
        var second = ApiHarness.NewName("listed");
        var third = ApiHarness.NewName("listed");
        await store.PublishAsync(first, System.Text.Encoding.UTF8.GetBytes(ApiHarness.NotebookText(null, "print(1)")));

        bool Lists(IReadOnlyList<CatalogEntry> entries, string name) => entries.Any(e => e.Name == name);
        var before = await listing.GetAsync(CancellationToken.None);
        await store.PublishAsync(second, System.Text.Encoding.UTF8.GetBytes(ApiHarness.NotebookText(null, "print(2)")));
        var reused = await listing.GetAsync(CancellationToken.None);
        clock.Now += CatalogListing.MaxAge;
        var aged = await listing.GetAsync(CancellationToken.None);
        await store.PublishAsync(third, System.Text.Encoding.UTF8.GetBytes(ApiHarness.NotebookText(null, "print(3)")));
        listing.Invalidate();
        var invalidated = await listing.GetAsync(CancellationToken.None);

        Assert.True(Lists(before, first));
        Assert.Same(before, reused);
        Assert.False(Lists(reused, second));
        Assert.True(Lists(aged, second));
        Assert.True(Lists(invalidated, third));
        Assert.Equal(invalidated.OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Kind, StringComparer.Ordinal).Select(e => (e.Name, e.Kind)), invalidated.Select(e => (e.Name, e.Kind)));
    }
}
