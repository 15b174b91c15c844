using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>Writes JSON exactly as Python's <c>json.dumps(indent=1, sort_keys=True, ensure_ascii=False)</c>, the form nbformat and Jupyter save.</summary>
/// <remarks>
/// Writing in Jupyter's own form is what makes a read-then-write round trip byte-for-byte equal for
/// notebooks saved by Jupyter, and keeps diffs of executed notebooks minimal in git.
/// </remarks>
public static class CanonicalJsonWriter
{
    /// <summary>Serializes a node with one-space indentation, keys sorted by code point.</summary>
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder(4096);
        WriteNode(sb, node, 0);
        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                WriteObject(sb, obj, depth);
                break;
            case JsonArray array:
                WriteArray(sb, array, depth);
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
        }
    }

    private static void WriteObject(StringBuilder sb, JsonObject obj, int depth)
    {
        if (obj.Count == 0)
        {
            sb.Append("{}");
            return;
        }

        var keys = obj.Select(p => p.Key).ToList();
        keys.Sort(CodePointComparer.Instance);
        sb.Append('{');
        for (var i = 0; i < keys.Count; i++)
        {
            sb.Append(i == 0 ? "\n" : ",\n");
            sb.Append(' ', depth + 1);
            WriteString(sb, keys[i]);
            sb.Append(": ");
            WriteNode(sb, obj[keys[i]], depth + 1);
        }

        sb.Append('\n').Append(' ', depth).Append('}');
    }

    private static void WriteArray(StringBuilder sb, JsonArray array, int depth)
    {
        if (array.Count == 0)
        {
            sb.Append("[]");
            return;
        }

        sb.Append('[');
        for (var i = 0; i < array.Count; i++)
        {
            sb.Append(i == 0 ? "\n" : ",\n");
            sb.Append(' ', depth + 1);
            WriteNode(sb, array[i], depth + 1);
        }

        sb.Append('\n').Append(' ', depth).Append(']');
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    WriteString(sb, element.GetString()!);
                    return;
                case JsonValueKind.Number:
                    // Keep the number's text as it was read: Python wrote it, so it is already in Python's form.
                    sb.Append(element.GetRawText());
                    return;
                case JsonValueKind.True:
                    sb.Append("true");
                    return;
                case JsonValueKind.False:
                    sb.Append("false");
                    return;
                case JsonValueKind.Null:
                    sb.Append("null");
                    return;
                default:
                    WriteNode(sb, JsonNode.Parse(element.GetRawText()), 0);
                    return;
            }
        }

        if (value.TryGetValue<string>(out var s))
        {
            WriteString(sb, s);
        }
        else if (value.TryGetValue<bool>(out var b))
        {
            sb.Append(b ? "true" : "false");
        }
        else if (value.TryGetValue<double>(out var d))
        {
            sb.Append(PythonFloat.Repr(d));
        }
        else
        {
            sb.Append(value.ToJsonString());
        }
    }

    /// <summary>Escapes as Python's json module does with ensure_ascii=False.</summary>
    internal static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>Orders strings by Unicode code point, as Python's sort of str keys does.</summary>
    private sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var ex = x.EnumerateRunes();
            var ey = y.EnumerateRunes();
            while (true)
            {
                var hx = ex.MoveNext();
                var hy = ey.MoveNext();
                if (!hx || !hy) return hx == hy ? 0 : (hx ? 1 : -1);
                var c = ex.Current.Value.CompareTo(ey.Current.Value);
                if (c != 0) return c;
            }
        }
    }
}
