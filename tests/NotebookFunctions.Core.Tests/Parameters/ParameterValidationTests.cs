using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Core.Tests.Parameters;

public sealed class ParameterValidationTests
{
    private static readonly ParameterSchema Schema = ParameterSchema.Infer(TestNotebooks.WithCells(
        Cell.NewCode("count = 3\nratio = 0.5\nname = 'x'\nflag = False\nitems = []\nopts = {}\nwhen: date = '2024-01-01'\nmaybe: Optional[int] = None\nanything = compute()", "p", "parameters")));

    [Fact]
    public void Values_of_the_declared_types_pass()
    {
        var values = JsonNode.Parse("""{"count": 7, "ratio": 2, "name": "y", "flag": true, "items": [1], "opts": {"a": 1}, "when": "2025-02-03", "maybe": null, "anything": [1, "x"]}""")!.AsObject();
        ParameterValidator.Validate("nb.ipynb", Schema, values);
    }

    [Fact]
    public void An_unknown_name_is_an_error_that_lists_the_known_ones()
    {
        var e = Assert.Throws<ParameterException>(() => ParameterValidator.Validate("nb.ipynb", Schema, new JsonObject { ["cuont"] = 1 }));

        Assert.Contains("nb.ipynb: parameter 'cuont': unknown parameter; the notebook declares count, ratio, name, flag, items, opts, when, maybe, anything", e.Message);
    }

    [Theory]
    [InlineData("count", "\"7\"", "expected int, got the string \"7\"")]
    [InlineData("count", "7.5", "expected int, got the float 7.5")]
    [InlineData("count", "true", "expected int, got the bool true")]
    [InlineData("ratio", "\"x\"", "expected float, got the string")]
    [InlineData("name", "5", "expected str, got the int 5")]
    [InlineData("flag", "1", "expected bool, got the int 1")]
    [InlineData("items", "{}", "expected list, got a dict")]
    [InlineData("opts", "[]", "expected dict, got a list")]
    [InlineData("when", "\"yesterday\"", "expected date (an ISO 8601 string)")]
    [InlineData("count", "null", "expected int, got null")]
    public void A_value_of_the_wrong_type_is_an_error_naming_the_parameter_and_types(string name, string json, string expected)
    {
        var values = new JsonObject { [name] = JsonNode.Parse(json) };
        var e = Assert.Throws<ParameterException>(() => ParameterValidator.Validate("nb.ipynb", Schema, values));
        Assert.Contains($"parameter '{name}': {expected}", e.Message);
        Assert.Equal(name, Assert.Single(e.Problems).Parameter);
    }

    [Fact]
    public void All_problems_are_reported_together()
    {
        var e = Assert.Throws<ParameterException>(() => ParameterValidator.Validate("nb.ipynb", Schema, new JsonObject { ["count"] = "x", ["zzz"] = 1 }));
        Assert.Equal(2, e.Problems.Count);
    }

    [Fact]
    public void Reserved_names_need_no_declaration() =>
        ParameterValidator.Validate("nb.ipynb", Schema, new JsonObject { ["input_path"] = "/tmp/x" }, ["input_path"]);

    [Fact]
    public void A_notebook_without_a_parameters_cell_says_so()
    {
        var schema = ParameterSchema.Infer(TestNotebooks.Of("x = 1"));
        var e = Assert.Throws<ParameterException>(() => ParameterValidator.Validate("nb.ipynb", schema, new JsonObject { ["x"] = 2 }));
        Assert.Contains("no cell tagged 'parameters'", e.Message);
    }

    [Theory]
    [InlineData("name", "123", "\"123\"")]
    [InlineData("count", "123", "123")]
    [InlineData("ratio", "1", "1")]
    [InlineData("ratio", "1.0", "1.0")]
    [InlineData("flag", "true", "true")]
    [InlineData("items", "[1, 2]", "[1,2]")]
    [InlineData("unknown", "True", "true")]
    [InlineData("unknown", "None", "null")]
    [InlineData("unknown", "2.50", "2.5")]
    [InlineData("unknown", "hello", "\"hello\"")]
    public void Command_line_values_are_typed_by_the_schema_else_by_papermills_rules(string name, string text, string json)
    {
        var value = ParameterValueParser.Parse(text, Schema[name]);
        Assert.Equal(json, value?.ToJsonString() ?? "null");
    }
}
