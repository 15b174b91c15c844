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

    /// <summary>Most values a YAML file may expand to: aliases repeat what they name, and nested ones multiply (a "billion laughs" file).</summary>
    private const int MaxNodes = 1_000_000;

    public static JsonNode? ParseYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var budget = MaxNodes;
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, ref budget);
    }

    /// <summary>Deepest nesting a file may have: deeper is a mistake or an attack, and recursion has a floor.</summary>
    private const int MaxDepth = 64;

    private static JsonNode? Convert(YamlNode node, ref int budget, int depth = 0)
    {
        if (--budget < 0) throw new YamlException(string.Create(CultureInfo.InvariantCulture, $"the YAML expands to more than {MaxNodes:N0} values (aliases repeating aliases?)"));
        if (depth > MaxDepth) throw new YamlException(node.Start, node.End, $"values are nested more than {MaxDepth} deep");
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode k ? k.Value ?? string.Empty : throw new YamlException(key.Start, key.End, "a mapping key must be a plain value");
                    // Twice the same key is a mistake in the file, not "the last one wins".
                    if (obj.ContainsKey(name)) throw new YamlException(key.Start, key.End, $"'{name}' is given twice");
                    obj[name] = Convert(value, ref budget, depth + 1);
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JsonArray();
                foreach (var item in seq.Children) array.Add(Convert(item, ref budget, depth + 1));
                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

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
        {
            // JSON has no infinity: 1e400 is a mistake to name, not a value to pass on.
            if (!double.IsFinite(d)) throw new YamlException(scalar.Start, scalar.End, $"the number {value} is out of range");
            return JsonNode.Parse(Core.Notebooks.PythonFloat.Repr(d));
        }
        return JsonValue.Create(value);
    }
}
