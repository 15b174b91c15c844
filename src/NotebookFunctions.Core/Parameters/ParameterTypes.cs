using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Parameters;

/// <summary>Maps type names (Python and C#) to kinds, infers them from literals, and checks values against them.</summary>
public static partial class ParameterTypes
{
    [GeneratedRegex(@"^[+-]?\d[\d_]*$")]
    private static partial Regex IntLiteral();

    [GeneratedRegex(@"^[+-]?(\d[\d_]*\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+)[fFdDmM]?$")]
    private static partial Regex FloatLiteral();

    public static ParameterKind KindOf(string typeName)
    {
        var t = Unwrap(typeName).ToLowerInvariant();
        if (t.StartsWith("list", StringComparison.Ordinal) || t.StartsWith("tuple", StringComparison.Ordinal) || t.EndsWith("[]", StringComparison.Ordinal)
            || t.StartsWith("sequence", StringComparison.Ordinal) || t.StartsWith("ienumerable", StringComparison.Ordinal))
            return ParameterKind.List;
        if (t.StartsWith("dict", StringComparison.Ordinal) || t.StartsWith("mapping", StringComparison.Ordinal) || t.StartsWith("dictionary", StringComparison.Ordinal))
            return ParameterKind.Dict;
        return t switch
        {
            "int" or "long" or "short" => ParameterKind.Int,
            "float" or "double" or "decimal" => ParameterKind.Float,
            "str" or "string" => ParameterKind.String,
            "bool" or "boolean" => ParameterKind.Bool,
            "date" or "dateonly" => ParameterKind.Date,
            "datetime" or "datetimeoffset" => ParameterKind.DateTime,
            "none" or "nonetype" => ParameterKind.None,
            _ => ParameterKind.Any,
        };
    }

    public static bool IsNullable(string typeName)
    {
        var t = typeName.Replace(" ", string.Empty, StringComparison.Ordinal);
        return t.StartsWith("Optional[", StringComparison.Ordinal) || t.EndsWith('?') || t.Contains("|None", StringComparison.Ordinal)
            || t.Contains("None|", StringComparison.Ordinal);
    }

    /// <summary>Optional[int] -> int, int? -> int, "int | None" -> int.</summary>
    private static string Unwrap(string typeName)
    {
        var t = typeName.Trim();
        if (t.StartsWith("Optional[", StringComparison.Ordinal) && t.EndsWith(']')) t = t[9..^1];
        if (t.EndsWith('?')) t = t[..^1];
        var parts = t.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(p => p != "None").ToList();
        if (parts.Count == 1) t = parts[0];
        if (t.StartsWith("typing.", StringComparison.Ordinal)) t = t[7..];
        if (t.StartsWith("datetime.", StringComparison.Ordinal)) t = t[9..];
        return t;
    }

    /// <summary>The type name a Python (or C#) literal's text implies, or "unknown" for an expression.</summary>
    public static string InferFromLiteral(string literal)
    {
        var v = literal.Trim();
        if (v.Length == 0) return "unknown";
        if (v is "None" or "null") return "None";
        if (v is "True" or "False" or "true" or "false") return "bool";
        if (IntLiteral().IsMatch(v)) return "int";
        if (FloatLiteral().IsMatch(v) || v is "float('nan')" or "float('inf')" or "float('-inf')") return "float";
        if (IsStringLiteral(v)) return "str";
        if (v.StartsWith('[') && v.EndsWith(']')) return "list";
        if (v.StartsWith('(') && v.EndsWith(')') && v.Contains(',', StringComparison.Ordinal)) return "list";
        if (v.StartsWith('{') && v.EndsWith('}')) return v.Contains(':', StringComparison.Ordinal) || v == "{}" ? "dict" : "unknown";
        if (v.StartsWith("new ", StringComparison.Ordinal) && v.Contains("Dictionary", StringComparison.Ordinal)) return "dict";
        if (v.StartsWith("new ", StringComparison.Ordinal) && v.Contains('[', StringComparison.Ordinal)) return "list";
        return "unknown";
    }

    private static bool IsStringLiteral(string v)
    {
        var body = v.TrimStart('r', 'R', 'b', 'B', 'u', 'U', 'f', 'F', '@', '$');
        if (body.Length < 2) return false;
        if (body.StartsWith("\"\"\"", StringComparison.Ordinal) || body.StartsWith("'''", StringComparison.Ordinal))
            return body.Length >= 6 && body[^3..] == body[..3];
        return (body[0] == '"' || body[0] == '\'') && body[^1] == body[0] && v.Length - body.Length <= 2;
    }

    /// <summary>Null when the value suits the parameter; otherwise why not, in words.</summary>
    public static string? Check(NotebookParameter parameter, JsonNode? value)
    {
        if (value is null)
            return parameter.Nullable || parameter.Kind is ParameterKind.Any or ParameterKind.None ? null : $"expected {parameter.TypeName}, got null";
        var kind = value.GetValueKind();
        var ok = parameter.Kind switch
        {
            ParameterKind.Any or ParameterKind.None => true,
            ParameterKind.Int => kind == JsonValueKind.Number && IsInteger(value),
            ParameterKind.Float => kind == JsonValueKind.Number,
            ParameterKind.String => kind == JsonValueKind.String,
            ParameterKind.Bool => kind is JsonValueKind.True or JsonValueKind.False,
            ParameterKind.List => kind == JsonValueKind.Array,
            ParameterKind.Dict => kind == JsonValueKind.Object,
            ParameterKind.Date => kind == JsonValueKind.String && DateOnly.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, out _),
            ParameterKind.DateTime => kind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, out _),
            _ => true,
        };
        if (ok) return null;
        var what = parameter.Kind is ParameterKind.Date or ParameterKind.DateTime ? $"{parameter.TypeName} (an ISO 8601 string)" : parameter.TypeName;
        return $"expected {what}, got {Describe(value)}";
    }

    /// <summary>True for a JSON number written without fraction or exponent.</summary>
    public static bool IsInteger(JsonNode value)
    {
        var raw = value.ToJsonString();
        return !raw.Contains('.', StringComparison.Ordinal) && !raw.Contains('e', StringComparison.OrdinalIgnoreCase);
    }

    private static string Describe(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => $"the string {Truncate(value.ToJsonString())}",
        JsonValueKind.Number => IsInteger(value) ? $"the int {value.ToJsonString()}" : $"the float {value.ToJsonString()}",
        JsonValueKind.True or JsonValueKind.False => $"the bool {value.ToJsonString()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "a dict",
        var k => k.ToString(),
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..37] + "...\"";
}
