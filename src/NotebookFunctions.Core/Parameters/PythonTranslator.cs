using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Parameters;

/// <summary>Python literals, written exactly as papermill writes them (without black), so injected cells match papermill's.</summary>
public sealed class PythonTranslator : IParameterTranslator
{
    public string Language => "python";

    public string Translate(JsonNode? value)
    {
        if (value is null) return "None";
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return EscapeString(value.GetValue<string>());
            case JsonValueKind.True:
                return "True";
            case JsonValueKind.False:
                return "False";
            case JsonValueKind.Number:
                return Number(value);
            case JsonValueKind.Array:
                return "[" + string.Join(", ", value.AsArray().Select(Translate)) + "]";
            case JsonValueKind.Object:
                return "{" + string.Join(", ", value.AsObject().Select(p => $"{EscapeString(p.Key)}: {Translate(p.Value)}")) + "}";
            default:
                return "None";
        }
    }

    public string Comment(string text) => $"# {text}".Trim();

    public string Assign(string name, string literal) => $"{name} = {literal}";

    public IReadOnlyList<NotebookParameter> Inspect(string source) => PythonParameterParser.Parse(source);

    private static string Number(JsonNode value)
    {
        if (ParameterTypes.IsInteger(value)) return value.ToJsonString();
        var d = JsonNumbers.AsDouble(value)!.Value;
        if (double.IsNaN(d)) return "float('nan')";
        if (double.IsInfinity(d)) return d < 0 ? "float('-inf')" : "float('inf')";
        return PythonFloat.Repr(d);
    }

    /// <summary>Python's unicode_escape encoding, then quotes escaped: papermill's string form.</summary>
    public static string EscapeString(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            switch (v)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '"': sb.Append("\\\""); break;
                default:
                    if (v < 0x20 || (v >= 0x7f && v < 0x100)) sb.Append("\\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
                    else if (v >= 0x100 && v < 0x10000) sb.Append("\\u").Append(v.ToString("x4", CultureInfo.InvariantCulture));
                    else if (v >= 0x10000) sb.Append("\\U").Append(v.ToString("x8", CultureInfo.InvariantCulture));
                    else sb.Append((char)v);
                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }
}
