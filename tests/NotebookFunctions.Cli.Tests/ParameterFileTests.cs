using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace NotebookFunctions.Cli.Tests;

/// <summary>YAML as nbf reads it (parameters files, pipeline files): core-schema typing, and no file that explodes when read.</summary>
public sealed class ParameterFileTests
{
    [Fact]
    public void Plain_scalars_are_typed_as_YAML_1_2_core_schema_and_quoted_ones_stay_text()
    {
        var node = ParameterFile.ParseYaml("n: 3\nx: 2.5\nflag: true\nnone: null\nquoted: \"3\"\nlist: [1, two]\n")!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"n": 3, "x": 2.5, "flag": true, "none": null, "quoted": "3", "list": [1, "two"]}"""), node), node.ToJsonString());
    }

    [Fact]
    public void Aliases_that_multiply_into_millions_of_values_are_refused_not_expanded()
    {
        var lines = new List<string> { "a: &a [x, x, x, x, x, x, x, x, x, x]" };
        for (var level = 1; level < 9; level++)
        {
            var previous = (char)('a' + level - 1);
            lines.Add($"{(char)('a' + level)}: &{(char)('a' + level)} [{string.Join(", ", Enumerable.Repeat($"*{previous}", 10))}]");
        }

        var refused = Assert.Throws<YamlException>(() => ParameterFile.ParseYaml(string.Join('\n', lines)));

        Assert.Contains("more than 1,000,000 values", refused.Message, StringComparison.Ordinal);
    }
}
