using System.Text;
using NotebookFunctions.Core.Chunks;

namespace NotebookFunctions.Core.Tests.Chunks;

public sealed class LineSplitterTests
{
    private static async Task<(List<string> Chunks, long Header)> Split(string text, long target, bool header)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new MemoryRangeReader(bytes);
        var headerLength = header ? await LineSplitter.HeaderLengthAsync(reader, default) : 0;
        var ranges = await LineSplitter.SplitAsync(reader, headerLength, target, default);
        return (ranges.Select(r => Encoding.UTF8.GetString(bytes, (int)r.Start, (int)(r.End - r.Start))).ToList(), headerLength);
    }

    [Fact]
    public async Task Chunks_end_after_a_newline_and_together_are_the_data()
    {
        var text = string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i},row {i}\n"));

        var (chunks, _) = await Split(text, 500, header: false);

        Assert.Equal(text, string.Concat(chunks));
        Assert.All(chunks, c => Assert.EndsWith("\n", c));
        Assert.All(chunks.SkipLast(1), c => Assert.InRange(Encoding.UTF8.GetByteCount(c), 500, 520));
    }

    [Fact]
    public async Task The_CSV_header_is_left_out_of_the_ranges_and_measured()
    {
        var (chunks, header) = await Split("a,b\n1,2\n3,4\n5,6\n", 4, header: true);

        Assert.Equal(4, header);
        Assert.Equal(["1,2\n", "3,4\n", "5,6\n"], chunks);
    }

    [Theory]
    [InlineData("", false, new[] { "" })]
    [InlineData("only one line\n", false, new[] { "only one line\n" })]
    [InlineData("no trailing newline", false, new[] { "no trailing newline" })]
    [InlineData("a\nb\nc", false, new[] { "a\nb\n", "c" })]
    [InlineData("h1,h2\n", true, new[] { "" })]
    [InlineData("h1,h2", true, new[] { "" })]
    [InlineData("h\r\nx\r\ny\r\n", true, new[] { "x\r\n", "y\r\n" })]
    public async Task Edge_cases(string text, bool header, string[] expected)
    {
        var (chunks, _) = await Split(text, 3, header);
        Assert.Equal(expected, chunks);
    }

    [Fact]
    public async Task A_line_longer_than_the_target_stays_whole()
    {
        var longLine = new string('x', 200_000) + "\n";
        var text = "short\n" + longLine + "after\n";

        var (chunks, _) = await Split(text, 10, header: false);
        var (startsWithIt, _) = await Split(longLine + "after\n", 10, header: false);

        Assert.Equal(["short\n" + longLine, "after\n"], chunks);
        Assert.Equal([longLine, "after\n"], startsWithIt);
    }

    [Fact]
    public async Task Multi_byte_characters_are_never_cut()
    {
        var text = string.Concat(Enumerable.Range(0, 300).Select(i => $"é😀日本{i}\n"));

        var (chunks, _) = await Split(text, 7, header: false);

        Assert.Equal(text, string.Concat(chunks));
        Assert.DoesNotContain(chunks, c => c.Contains('\uFFFD', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Boundaries_are_found_with_small_reads_not_by_reading_everything()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 200_000).Select(i => $"{i},{i * 2}\n")));
        var reader = new MemoryRangeReader(bytes);

        var ranges = await LineSplitter.SplitAsync(reader, 0, 256 * 1024, default);

        Assert.Equal(bytes.Length, ranges[^1].End);
        Assert.Equal(ranges.Count - 1, reader.Reads);
    }

    [Fact]
    public async Task A_target_of_zero_is_refused() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => LineSplitter.SplitAsync(new MemoryRangeReader(new byte[3]), 0, 0, default));
}
