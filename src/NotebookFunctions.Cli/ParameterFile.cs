using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookFunctions.Core.Parameters;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NotebookFunctions.Cli;

/// <summary>Reads a parameters file (-f): JSON, or YAML with YAML 1.2 core-schema typing of plain scalars.</summary>
public static partial class ParameterFile
{
    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*)$")]
    private static partial Regex YamlInt();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlFloat();

    /// <exception cref="ParameterException">The file cannot be read, or is not a mapping of names to values.</exception>
    public static JsonObject Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParameterException($"parameters file {path}: cannot read it: {e.Message}", []);
        }

        JsonNode? node;
        try
        {
            node = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? JsonNode.Parse(text) : ParseYaml(text);
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw new ParameterException($"parameters file {path}: not valid {(path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "JSON" : "YAML")}: {e.Message}", []);
        }

        return node switch
        {
            JsonObject obj => obj,
            null => new JsonObject(),
            _ => throw new ParameterException($"parameters file {path}: must be a mapping of parameter names to values", []),
        };
    }

    public static JsonNode? ParseYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? string.Empty, Convert(p.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(value);
        if (value is "" or "~" or "null" or "Null" or "NULL") return null;
        if (value is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (value is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (YamlInt().IsMatch(value) && long.TryParse(value.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return JsonValue.Create(l);
        if (YamlFloat().IsMatch(value) && double.TryParse(value.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return JsonNode.Parse(Core.Notebooks.PythonFloat.Repr(d));
        return JsonValue.Create(value);
    }
}
