using System.Text.Json;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>A chunk's error record keeps a long message short, says how long it was, and stays the same when read back.</summary>
public sealed class ChunkErrorTests
{
    [Fact]
    public void A_long_message_is_cut_with_a_note_and_a_short_one_is_kept()
    {
        var error = new ChunkError("CellError", 3, "abc", 2, "ValueError", "bad " + new string('x', 1_000_000));
        var shortOne = new ChunkError("CellError", 3, "abc", 2, "ValueError", "bad value");

        Assert.Equal(ChunkError.MaxValueLength, error.EValue.Length);
        Assert.StartsWith("bad xxx", error.EValue, StringComparison.Ordinal);
        Assert.EndsWith("(1,000,004 characters in all; the executed notebook has the whole message)", error.EValue, StringComparison.Ordinal);
        Assert.Equal("bad value", shortOne.EValue);
        // Read back from history or a stored record, a cut message is not cut again.
        Assert.Equal(error, JsonSerializer.Deserialize<ChunkError>(JsonSerializer.Serialize(error)));
        Assert.Equal(error.EValue, (error with { }).EValue);
        // However it is set: a copy given a long value keeps it short too, and a cut never splits a surrogate pair.
        Assert.Equal(ChunkError.MaxValueLength, (shortOne with { EValue = new string('y', 5000) }).EValue.Length);
        var emoji = new ChunkError("CellError", null, null, null, "ValueError", string.Concat(Enumerable.Repeat("😀", 3000)));
        Assert.False(char.IsHighSurrogate(emoji.EValue[emoji.EValue.IndexOf('…', StringComparison.Ordinal) - 1]));
    }
}
