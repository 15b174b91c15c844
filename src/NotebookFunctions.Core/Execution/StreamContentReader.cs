using System.Text;
using System.Text.Json;

namespace NotebookFunctions.Core.Execution;

/// <summary>
/// Reads a stream message's name and at most N bytes of its text straight from the raw content frame, so a cell that
/// prints 100 MB costs one received frame, not a 200 MB string and a parsed tree on top.
/// </summary>
internal static class StreamContentReader
{
    /// <summary>Returns the stream name, a prefix of the text of at most <paramref name="maxBytes"/> encoded bytes, and the text's full encoded size.</summary>
    public static (string Name, string Text, long TotalBytes) Read(ReadOnlySpan<byte> content, int maxBytes)
    {
        var reader = new Utf8JsonReader(content);
        string name = "stdout";
        string text = string.Empty;
        long total = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (name, text, 0);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            if (property == "name" && reader.TokenType == JsonTokenType.String)
            {
                name = reader.GetString() ?? name;
            }
            else if (property == "text" && reader.TokenType == JsonTokenType.String)
            {
                var raw = reader.ValueSpan;
                total = raw.Length;
                text = raw.Length <= maxBytes ? reader.GetString() ?? string.Empty : DecodePrefix(raw, maxBytes);
            }
            else
            {
                reader.Skip();
            }
        }

        return (name, text, total);
    }

    /// <summary>Decodes the escaped JSON string bytes up to a cut that splits neither an escape, a surrogate pair nor a UTF-8 sequence.</summary>
    private static string DecodePrefix(ReadOnlySpan<byte> escaped, int maxBytes)
    {
        var cut = 0;
        var i = 0;
        while (i < maxBytes)
        {
            var step = 1;
            if (escaped[i] == (byte)'\\')
            {
                step = i + 1 < escaped.Length && escaped[i + 1] == (byte)'u' ? 6 : 2;
                if (step == 6 && IsHighSurrogateEscape(escaped[i..]))
                {
                    step = 12;
                }
            }
            else if (escaped[i] >= 0x80)
            {
                step = escaped[i] >= 0xF0 ? 4 : escaped[i] >= 0xE0 ? 3 : 2;
            }

            if (i + step > maxBytes) break;
            i += step;
            cut = i;
        }

        var quoted = new byte[cut + 2];
        quoted[0] = (byte)'"';
        escaped[..cut].CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        var prefixReader = new Utf8JsonReader(quoted);
        prefixReader.Read();
        return prefixReader.GetString() ?? string.Empty;
    }

    private static bool IsHighSurrogateEscape(ReadOnlySpan<byte> escape)
    {
        if (escape.Length < 6) return false;
        var hex = Encoding.ASCII.GetString(escape.Slice(2, 4));
        return int.TryParse(hex, System.Globalization.NumberStyles.HexNumber, null, out var code) && code is >= 0xD800 and <= 0xDBFF;
    }
}
