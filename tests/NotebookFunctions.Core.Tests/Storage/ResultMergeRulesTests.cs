using System.Text;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Core.Tests.Storage;

/// <summary>How chunks' files become a run's results (and nbf test's fan-out results): one rule, streams in, one file out.</summary>
public sealed class ResultMergeRulesTests
{
    private static async Task<string> ConcatenateAsync(bool skipHeaders, params string[] sources)
    {
        using var target = new MemoryStream();
        var opens = sources.Select(s => (Func<CancellationToken, Task<Stream>>)(_ => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(s)))));
        await ResultMergeRules.ConcatenateAsync(opens, target, skipHeaders, CancellationToken.None);
        return Encoding.UTF8.GetString(target.ToArray());
    }

    [Fact]
    public async Task Tables_keep_one_header_and_no_blank_line_appears_for_a_chunk_without_rows_or_a_last_newline()
    {
        Assert.Equal("a,b\n1,2\n3,4\n", await ConcatenateAsync(true, "a,b\n1,2", "a,b\n", "a,b\n3,4\n"));
        Assert.Equal("a,b\n1,2\n3,4\n", await ConcatenateAsync(true, "a,b\n1,2\n", "a,b", "a,b\n3,4\n"));
        Assert.Equal("x\ny\nz", await ConcatenateAsync(false, "x", "y\n", string.Empty, "z"));
    }

    [Fact]
    public void Same_named_line_files_are_merged_in_chunk_order_and_other_files_kept_per_chunk()
    {
        MergedChunk[] chunks =
        [
            new(1, "r", ["out.csv", "plot.png", "log.txt"]),
            new(0, "r", ["out.csv", "plot.png", "only.bin"]),
        ];

        var plan = ResultMergeRules.Plan(chunks).ToDictionary(r => r.Name);

        Assert.Equal(["log.txt", "only.bin", "out.csv", "plot.chunk-0.png", "plot.chunk-1.png"], plan.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([0, 1], plan["out.csv"].Sources.Select(s => s.Chunk.Index));
        Assert.True(plan["out.csv"].SkipHeaders);
        Assert.False(plan["log.txt"].SkipHeaders);
        Assert.Equal(1, Assert.Single(plan["plot.chunk-1.png"].Sources).Chunk.Index);
    }
}
