using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Tests.Notebooks;

/// <summary>metadata.notebook_functions.memory_limit_mb as careless authors write it.</summary>
public sealed class NotebookMemoryLimitTests
{
    private static Notebook Limited(string json)
    {
        var notebook = TestNotebooks.Of("print(1)");
        notebook.Metadata["notebook_functions"] = new JsonObject { ["memory_limit_mb"] = JsonNode.Parse(json) };
        return notebook;
    }

    [Theory]
    [InlineData("1099511627776", "is 1099511627776 MB; a kernel's memory limit is from 256 MB to 1048576 MB")]
    [InlineData("-5", "is -5 MB; a kernel's memory limit is from 256 MB")]
    [InlineData("\"2048\"", "is \"2048\"; it must be a whole number of MB")]
    [InlineData("2048.5", "is 2048.5; it must be a whole number of MB")]
    [InlineData("true", "is true; it must be a whole number of MB")]
    public void A_limit_that_is_not_a_whole_number_in_range_is_refused_saying_which(string json, string says)
    {
        var e = Assert.Throws<NotebookFormatException>(() => NotebookMemoryLimit.Of(Limited(json), "nb.ipynb"));

        Assert.Equal(NotebookMemoryLimit.MetadataPath, e.Problems[0].Field);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_number_in_range_is_the_limit_and_null_is_none()
    {
        Assert.Equal(2048, NotebookMemoryLimit.Of(Limited("2048"), "nb.ipynb"));
        Assert.Null(NotebookMemoryLimit.Of(Limited("null"), "nb.ipynb"));
    }
}
