using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Parameters;

/// <summary>Turns a command-line value (<c>-p name=value</c>) into a typed value.</summary>
public static class ParameterValueParser
{
    /// <summary>
    /// With a declared type, the text is read as that type ("123" for a str parameter stays a string). Without one,
    /// papermill's rules apply: True, False, None, an int, a float, else a string. Lists and dicts are read as JSON.
    /// </summary>
    public static JsonNode? Parse(string text, NotebookParameter? declared)
    {
        var kind = declared?.Kind ?? ParameterKind.Any;
        switch (kind)
        {
            case ParameterKind.String or ParameterKind.Date or ParameterKind.DateTime:
                return text == "None" && declared!.Nullable ? null : JsonValue.Create(text);
            case ParameterKind.List or ParameterKind.Dict:
                return ParseJson(text, declared!.Name) ?? JsonValue.Create(text);
            case ParameterKind.Bool:
                if (bool.TryParse(text, out var b)) return JsonValue.Create(b);
                break;
        }

        if (text == "True") return JsonValue.Create(true);
        if (text == "False") return JsonValue.Create(false);
        if (text == "None") return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        // Keep a float a float: "1.0" must not become the int 1.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            return JsonNode.Parse(Notebooks.PythonFloat.Repr(d));
        return JsonValue.Create(text);
    }

    private static JsonNode? ParseJson(string text, string name)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ParameterException($"parameter '{name}': '{text}' is not valid JSON for a list or dict: {e.Message}", [new ParameterProblem(name, "not valid JSON")]);
        }
    }
}
