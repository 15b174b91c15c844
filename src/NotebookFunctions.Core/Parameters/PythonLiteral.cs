using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Parameters;

/// <summary>
/// A parameter's default as the JSON value it stands for, when its source text is a plain Python literal (a string,
/// number, True/False/None, or a list, tuple or dict of them): what a form prefills. Anything else (an expression, a
/// call) has no value until the kernel runs it, and is left to the notebook.
/// </summary>
public sealed class PythonLiteral
{
    private readonly string _text;
    private int _at;

    private PythonLiteral(string text) => _text = text;

    /// <summary>The value, or false when the text is not a literal this reads.</summary>
    public static bool TryParse(string text, out JsonNode? value)
    {
        var reader = new PythonLiteral(text);
        try
        {
            value = reader.Value(depth: 0);
            reader.SkipSpace();
            if (reader._at == text.Length) return true;
        }
        catch (FormatException)
        {
        }

        value = null;
        return false;
    }

    private JsonNode? Value(int depth)
    {
        if (depth > 32) throw new FormatException("nested too deep");
        SkipSpace();
        if (_at >= _text.Length) throw new FormatException("ends early");
        var c = _text[_at];
        if (c is '\'' or '"') return JsonValue.Create(String(c));
        if (c is '[' or '(') return List(c == '[' ? ']' : ')', depth);
        if (c == '{') return Dict(depth);
        var start = _at;
        while (_at < _text.Length && (char.IsLetterOrDigit(_text[_at]) || _text[_at] is '.' or '-' or '+' or '_')) _at++;
        var word = _text[start.._at];
        switch (word)
        {
            case "True": return JsonValue.Create(true);
            case "False": return JsonValue.Create(false);
            case "None": return null;
        }

        var digits = word.Replace("_", string.Empty, StringComparison.Ordinal);
        if (long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return JsonNode.Parse(Notebooks.PythonFloat.Repr(d));
        throw new FormatException($"not a literal: {word}");
    }

    private string String(char quote)
    {
        _at++;
        var text = new StringBuilder();
        while (_at < _text.Length && _text[_at] != quote)
        {
            var c = _text[_at++];
            if (c != '\\') { text.Append(c); continue; }
            if (_at >= _text.Length) break;
            var e = _text[_at++];
            text.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
        }

        if (_at >= _text.Length) throw new FormatException("unterminated string");
        _at++;
        return text.ToString();
    }

    private JsonArray List(char close, int depth)
    {
        _at++;
        var list = new JsonArray();
        while (true)
        {
            SkipSpace();
            if (Take(close)) return list;
            list.Add(Value(depth + 1));
            SkipSpace();
            if (Take(close)) return list;
            if (!Take(',')) throw new FormatException("expected ','");
        }
    }

    private JsonObject Dict(int depth)
    {
        _at++;
        var dict = new JsonObject();
        while (true)
        {
            SkipSpace();
            if (Take('}')) return dict;
            if (Value(depth + 1) is not JsonValue key || key.GetValueKind() != System.Text.Json.JsonValueKind.String) throw new FormatException("a dict key that is not a string");
            SkipSpace();
            if (!Take(':')) throw new FormatException("expected ':'");
            dict[key.GetValue<string>()] = Value(depth + 1);
            SkipSpace();
            if (Take('}')) return dict;
            if (!Take(',')) throw new FormatException("expected ','");
        }
    }

    private bool Take(char c)
    {
        if (_at >= _text.Length || _text[_at] != c) return false;
        _at++;
        return true;
    }

    private void SkipSpace()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at])) _at++;
    }
}
