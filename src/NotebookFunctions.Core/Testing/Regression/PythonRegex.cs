using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// A pattern written for Python's <c>re</c> (nbval's sanitize files are), compiled as a .NET <see cref="Regex"/> that
/// matches the same text. The two dialects agree on almost everything a sanitize file uses (classes, quantifiers,
/// anchors, \d \w \s \b, lookarounds, inline flags i m s x); where they differ in a way that matters:
/// <list type="bullet">
/// <item>Named groups: Python writes <c>(?P&lt;name&gt;...)</c> and <c>(?P=name)</c>; .NET reads neither. They are
/// rewritten as plain groups, with the names kept here, because .NET also numbers named groups after all unnamed
/// ones while Python numbers every group in order: <c>\1</c> must mean the same group in both.</item>
/// <item><c>\Z</c> is the very end in Python, but "end, or before a final newline" in .NET: rewritten to .NET's <c>\z</c>.</item>
/// <item><c>{,n}</c> is a quantifier (0 to n) in Python and literal text in .NET: rewritten to <c>{0,n}</c>.</item>
/// <item>Replacements are Python templates (<c>\1</c>, <c>\g&lt;name&gt;</c>, a literal <c>$</c>), not .NET's
/// <c>$1</c>: see <see cref="PythonReplacement"/>.</item>
/// </list>
/// Python-only syntax .NET cannot read (<c>\U0001F600</c>, <c>\N{...}</c>, the flags a, L, u, possessive quantifiers)
/// makes the pattern refused rather than silently read otherwise; so does .NET-only syntax Python would refuse
/// (<c>(?&lt;name&gt;...)</c>). Not rewritten, being rare in practice: .NET reads <c>[a-z-[aeiou]]</c> as class
/// subtraction where Python reads literal characters, and \w and \b differ on a few Unicode marks.
/// </summary>
internal sealed partial class PythonRegex
{
    private PythonRegex(Regex regex, int groupCount, IReadOnlyDictionary<string, int> groupNames)
    {
        Regex = regex;
        GroupCount = groupCount;
        GroupNames = groupNames;
    }

    public Regex Regex { get; }

    /// <summary>Capturing groups, numbered as Python numbers them (and, after the rewrite, as .NET does too).</summary>
    public int GroupCount { get; }

    /// <summary>Python's group names and their numbers.</summary>
    public IReadOnlyDictionary<string, int> GroupNames { get; }

    /// <summary>Compiles a Python pattern; <see cref="ArgumentException"/> with a reason when it cannot be.</summary>
    public static PythonRegex Compile(string pattern, TimeSpan timeout)
    {
        var (translated, count, names) = Translate(pattern);
        Regex regex;
        try
        {
            regex = new Regex(translated, RegexOptions.CultureInvariant, timeout);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(e.Message, e);
        }

        // Every group was made a numbered one; if .NET sees more or fewer, the pattern holds syntax the two dialects
        // read differently, and a replacement's \1 could point elsewhere than in nbval.
        var dotnetGroups = regex.GetGroupNumbers().Length - 1;
        if (dotnetGroups != count || regex.GetGroupNames().Any(n => !int.TryParse(n, out _)))
            throw new ArgumentException($"Python's re and .NET would count its groups differently ({count} and {dotnetGroups}); write named groups as (?P<name>...)");
        return new PythonRegex(regex, count, names);
    }

    /// <summary>Rewrites the constructs listed above, counting capturing groups in Python's order.</summary>
    private static (string Pattern, int Groups, Dictionary<string, int> Names) Translate(string pattern)
    {
        var sb = new StringBuilder(pattern.Length + 8);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = 0;
        var inClass = false;
        var verbose = VerboseFlag().IsMatch(pattern);
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    sb.Append(c);
                    i++;
                    continue;
                }

                var next = pattern[i + 1];
                sb.Append(!inClass && next == 'Z' ? "\\z" : string.Concat(c, next));
                i += 2;
                continue;
            }

            if (inClass)
            {
                if (c == ']') inClass = false;
                sb.Append(c);
                i++;
                continue;
            }

            if (c == '[')
            {
                // A ']' right after '[' or '[^' is a literal member, in both dialects.
                inClass = true;
                sb.Append(c);
                i++;
                if (i < pattern.Length && pattern[i] == '^') sb.Append(pattern[i++]);
                if (i < pattern.Length && pattern[i] == ']') sb.Append(pattern[i++]);
                continue;
            }

            if (verbose && c == '#')
            {
                // A comment in verbose mode: its brackets are not syntax.
                var end = pattern.IndexOf('\n', i);
                end = end < 0 ? pattern.Length : end;
                sb.Append(pattern, i, end - i);
                i = end;
                continue;
            }

            if (c == '{' && EmptyLowerBound().Match(pattern, i) is { Success: true, Index: var at } m && at == i)
            {
                sb.Append("{0,").Append(m.Groups[1].Value).Append('}');
                i += m.Length;
                continue;
            }

            if (c != '(')
            {
                sb.Append(c);
                i++;
                continue;
            }

            var rest = pattern.AsSpan(i);
            if (rest.StartsWith("(?P<"))
            {
                var close = pattern.IndexOf('>', i + 4);
                if (close < 0) throw new ArgumentException("missing > after (?P<");
                var name = pattern[(i + 4)..close];
                if (!names.TryAdd(name, ++groups)) throw new ArgumentException($"redefinition of group name '{name}'");
                sb.Append('(');
                i = close + 1;
            }
            else if (rest.StartsWith("(?P="))
            {
                var close = pattern.IndexOf(')', i + 4);
                if (close < 0) throw new ArgumentException("missing ) after (?P=");
                var name = pattern[(i + 4)..close];
                if (!names.TryGetValue(name, out var number)) throw new ArgumentException($"unknown group name '{name}'");
                sb.Append("\\k<").Append(number.ToString(CultureInfo.InvariantCulture)).Append('>');
                i = close + 1;
            }
            else if (rest.StartsWith("(?("))
            {
                // A conditional: its "(name)" or "(1)" is a reference, not a group. A name becomes its number.
                var close = pattern.IndexOf(')', i + 3);
                if (close < 0) throw new ArgumentException("missing ) in a conditional (?(...)");
                var reference = pattern[(i + 3)..close];
                sb.Append("(?(").Append(names.TryGetValue(reference, out var number) ? number.ToString(CultureInfo.InvariantCulture) : reference).Append(')');
                i = close + 1;
            }
            else if (rest.StartsWith("(?#"))
            {
                var close = pattern.IndexOf(')', i);
                close = close < 0 ? pattern.Length - 1 : close;
                sb.Append(pattern, i, close - i + 1);
                i = close + 1;
            }
            else
            {
                if (!rest.StartsWith("(?")) groups++;
                sb.Append(c);
                i++;
            }
        }

        return (sb.ToString(), groups, names);
    }

    /// <summary>Python takes global inline flags only at the start; x there makes whitespace and # comments not syntax.</summary>
    [GeneratedRegex(@"^\(\?[aiLmsux]*x[aiLmsux]*\)")]
    private static partial Regex VerboseFlag();

    [GeneratedRegex(@"\G\{,(\d+)\}")]
    private static partial Regex EmptyLowerBound();
}
