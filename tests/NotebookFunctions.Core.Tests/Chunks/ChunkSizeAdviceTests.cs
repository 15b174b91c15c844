using NotebookFunctions.Core.Chunks;

namespace NotebookFunctions.Core.Tests.Chunks;

/// <summary>The chunk-size warning's words, at the edges of its estimate.</summary>
public sealed class ChunkSizeAdviceTests
{
    [Fact]
    public void An_estimate_near_but_under_the_limit_does_not_say_it_is_over()
    {
        // 64 MB baseline, 416 MB more for 1 MB of input: the largest chunk (also 1 MB) needs about 480 MB of 512.
        var warning = ChunkSizeAdvice.Judge(512, (0, 1L << 20, 64, 480, false), 1L << 20, splits: true);

        Assert.NotNull(warning);
        Assert.DoesNotContain("over the 512 MB memory limit", warning, StringComparison.Ordinal);
        Assert.Contains("needs about 480 MB, close to the 512 MB memory limit", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void An_estimate_past_the_limit_says_it_is_over()
    {
        var warning = ChunkSizeAdvice.Judge(512, (0, 1L << 20, 64, 200, false), 8L << 20, splits: true);

        Assert.Contains("over the 512 MB memory limit: set a smaller chunk size of at most", warning, StringComparison.Ordinal);
    }
}
