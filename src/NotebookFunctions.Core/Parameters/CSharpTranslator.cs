using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Parameters;

/// <summary>C# literals for .NET Interactive kernels: <c>var name = value;</c>, typed arrays and dictionaries.</summary>
public sealed class CSharpTranslator : IParameterTranslator
{
    public string Language => "C#";

    public string Translate(JsonNode? value)
    {
        if (value is null) return "(object?)null";
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return EscapeString(value.GetValue<string>());
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            case JsonValueKind.Number:
                return Number(value);
            case JsonValueKind.Array:
                var items = value.AsArray();
                // An implicitly typed array needs one best type; mixed values become object[].
                var kinds = items.Select(KindKey).Distinct().ToList();
                var prefix = kinds.Count == 1 && kinds[0] is not "null" ? "new[]" : "new object?[]";
                return items.Count == 0 ? "new object?[] { }" : $"{prefix} {{ {string.Join(", ", items.Select(Translate))} }}";
            case JsonValueKind.Object:
                var pairs = value.AsObject().Select(p => $"{{ {EscapeString(p.Key)}, {Translate(p.Value)} }}");
                return $"new Dictionary<string, object?> {{ {string.Join(", ", pairs)} }}";
            default:
                return "(object?)null";
        }
    }

    public string Comment(string text) => $"// {text}".Trim();

    public string Assign(string name, string literal) => $"var {name} = {literal};";

    public IReadOnlyList<NotebookParameter> Inspect(string source) => CSharpParameterParser.Parse(source);

    private static string KindKey(JsonNode? node) => node is null ? "null"
        : node.GetValueKind() == JsonValueKind.Number ? (ParameterTypes.IsInteger(node) ? "int" : "float")
        : node.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? "bool" : node.GetValueKind().ToString();

    private static string Number(JsonNode value)
    {
        if (ParameterTypes.IsInteger(value))
        {
            var raw = value.ToJsonString();
            return long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) && (l > int.MaxValue || l < int.MinValue) ? raw + "L" : raw;
        }

        var d = Notebooks.JsonNumbers.AsDouble(value)!.Value;
        if (double.IsNaN(d)) return "double.NaN";
        if (double.IsInfinity(d)) return d < 0 ? "double.NegativeInfinity" : "double.PositiveInfinity";
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    public static string EscapeString(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (c < 0x20 || c is '\u2028' or '\u2029' or '\u0085') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
