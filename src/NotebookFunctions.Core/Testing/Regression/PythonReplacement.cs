using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// A replacement written for Python's <c>re.sub</c>, as nbval hands a sanitize file's <c>replace:</c> to it. Python's
/// template syntax is not .NET's (<c>\1</c> and <c>\g&lt;name&gt;</c> against <c>$1</c> and <c>${name}</c>; <c>$</c> is
/// plain text in Python but special in .NET), so rather than translating one into the other the template is read
/// here, with Python's rules, into literal text and group references, and applied by a match evaluator.
/// </summary>
internal sealed class PythonReplacement
{
    private const string OctalDigits = "01234567";

    // Python's escapes in a template; any other ASCII letter after '\' is an error, any other character keeps its '\'.
    private static readonly Dictionary<char, char> Escapes = new()
    {
        ['a'] = '\a', ['b'] = '\b', ['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t', ['v'] = '\v', ['\\'] = '\\',
    };

    private readonly List<(string? Text, int Group)> _parts;

    private PythonReplacement(List<(string? Text, int Group)> parts) => _parts = parts;

    /// <summary>Reads a template for a pattern; <see cref="ArgumentException"/> with Python's reason when it is not valid.</summary>
    public static PythonReplacement Parse(string template, PythonRegex regex)
    {
        var parts = new List<(string? Text, int Group)>();
        var literal = new StringBuilder();

        void AddGroup(int group)
        {
            if (group > regex.GroupCount) throw new ArgumentException($"invalid group reference {group}");
            if (literal.Length > 0) parts.Add((literal.ToString(), 0));
            literal.Clear();
            parts.Add((null, group));
        }

        var i = 0;
        while (i < template.Length)
        {
            var c = template[i++];
            if (c != '\\')
            {
                literal.Append(c);
                continue;
            }

            if (i >= template.Length) throw new ArgumentException("bad escape (end of pattern)");
            var e = template[i++];
            if (e == 'g')
            {
                // \g<name> or \g<number>: the unambiguous form, \g<0> being the whole match.
                if (i >= template.Length || template[i] != '<') throw new ArgumentException("missing < after \\g");
                var close = template.IndexOf('>', i);
                if (close < 0) throw new ArgumentException("missing >, unterminated name after \\g<");
                var name = template[(i + 1)..close];
                i = close + 1;
                if (regex.GroupNames.TryGetValue(name, out var named)) AddGroup(named);
                else if (name.Length > 0 && name.All(char.IsAsciiDigit)) AddGroup(int.Parse(name, CultureInfo.InvariantCulture));
                else throw new ArgumentException($"unknown group name '{name}'");
            }
            else if (e == '0')
            {
                // \0, \0o, \0oo: a character by its octal code.
                var digits = "0";
                while (digits.Length < 3 && i < template.Length && OctalDigits.Contains(template[i])) digits += template[i++];
                literal.Append((char)(Convert.ToInt32(digits, 8) & 0xff));
            }
            else if (char.IsAsciiDigit(e))
            {
                // \1 to \99 are groups; three octal digits (\101) are a character, as in Python.
                var digits = e.ToString();
                if (i < template.Length && char.IsAsciiDigit(template[i]))
                {
                    digits += template[i++];
                    if (OctalDigits.Contains(digits[0]) && OctalDigits.Contains(digits[1]) && i < template.Length && OctalDigits.Contains(template[i]))
                    {
                        digits += template[i++];
                        var code = Convert.ToInt32(digits, 8);
                        if (code > 0xff) throw new ArgumentException($"octal escape value \\{digits} outside of range 0-0o377");
                        literal.Append((char)code);
                        continue;
                    }
                }

                AddGroup(int.Parse(digits, CultureInfo.InvariantCulture));
            }
            else if (Escapes.TryGetValue(e, out var escaped))
            {
                literal.Append(escaped);
            }
            else if (char.IsAsciiLetter(e))
            {
                throw new ArgumentException($"bad escape \\{e}");
            }
            else
            {
                literal.Append('\\').Append(e);
            }
        }

        if (literal.Length > 0) parts.Add((literal.ToString(), 0));
        return new PythonReplacement(parts);
    }

    /// <summary>The replacement for one match; a group that did not take part gives "", as in Python 3.5 on.</summary>
    public string Evaluate(Match match)
    {
        if (_parts.Count == 1 && _parts[0].Text is { } only) return only;
        var sb = new StringBuilder();
        foreach (var (text, group) in _parts)
        {
            if (text is not null) sb.Append(text);
            else if (match.Groups[group].Success) sb.Append(match.Groups[group].Value);
        }

        return sb.ToString();
    }
}
