using System.Text.Json.Nodes;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Core.Tests.Parameters;

/// <summary>A parameter's default as a form prefills it: plain Python literals only, anything else left to the notebook.</summary>
public sealed class PythonLiteralTests
{
    [Theory]
    [InlineData("'north'", "\"north\"")]
    [InlineData("\"say \\\"hi\\\"\\n\"", "\"say \\\"hi\\\"\\n\"")]
    [InlineData("3", "3")]
    [InlineData("-1_000", "-1000")]
    [InlineData("2.0", "2.0")]
    [InlineData("1e-3", "0.001")]
    [InlineData("True", "true")]
    [InlineData("None", "null")]
    [InlineData("[1, 'a', [True]]", "[1,\"a\",[true]]")]
    [InlineData("(1, 2,)", "[1,2]")]
    [InlineData("{'a': 1, \"b\": [None]}", "{\"a\":1,\"b\":[null]}")]
    [InlineData("  [ ]  ", "[]")]
    public void A_literal_reads_as_the_json_value_it_stands_for(string text, string json)
    {
        Assert.True(PythonLiteral.TryParse(text, out var value));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), value), $"{text} read as {value?.ToJsonString() ?? "null"}");
    }

    [Theory]
    [InlineData("date.today()")]
    [InlineData("os.environ['X']")]
    [InlineData("'unterminated")]
    [InlineData("[1, 2")]
    [InlineData("{1: 2}")]
    [InlineData("1 + 2")]
    [InlineData("")]
    [InlineData("float('nan')")]
    public void An_expression_is_not_a_literal(string text)
    {
        Assert.False(PythonLiteral.TryParse(text, out var value));
        Assert.Null(value);
    }

    [Fact]
    public void Nesting_past_its_depth_is_refused_rather_than_overflowing_the_stack()
    {
        Assert.False(PythonLiteral.TryParse(new string('[', 10_000) + new string(']', 10_000), out _));
        Assert.True(PythonLiteral.TryParse(new string('[', 30) + new string(']', 30), out JsonNode? shallow));
        Assert.NotNull(shallow);
    }
}
