using System.Text;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// An nbval sanitize file (<c>--nbval-sanitize-with</c>): regex replacements applied to outputs before they are compared,
/// so that addresses, dates and timings do not fail a run.
/// <para>
/// The file looks like INI, but nbval does not read it with configparser: it takes every line that starts exactly
/// <c>regex: </c> and is directly followed by a line starting exactly <c>replace: </c>, the rest of each line being the
/// pattern and the replacement, untrimmed. Section headers only label the rules; values never continue on a second
/// line; there are no escapes or interpolation (a '%' is just a '%'). The rules apply in file order, and a pattern
/// written twice keeps its first place with the later replacement (nbval keeps them in an ordered dict). We read
/// exactly that, so every rule nbval applies is applied here, the same way.
/// </para>
/// <para>
/// Where nbval silently drops what looks like a rule (a <c>regex:</c> without its <c>replace:</c>, <c>Regex = ...</c>,
/// an indented or continued value, a section with no rule), we refuse the file instead, naming the section and line:
/// a sanitize rule that is quietly not applied is a test that quietly checks something else.
/// </para>
/// </summary>
public sealed partial class SanitizeRules
{
    /// <summary>How long one pattern may run on one output.</summary>
    public static readonly TimeSpan DefaultMatchTimeout = TimeSpan.FromSeconds(2);

    private const string RegexKey = "regex: ";
    private const string ReplaceKey = "replace: ";

    private SanitizeRules(string path, IReadOnlyList<SanitizeRule> rules)
    {
        FilePath = path;
        Rules = rules;
    }

    /// <summary>The file, as named to <see cref="Load"/> or <see cref="Parse"/>.</summary>
    public string FilePath { get; }

    /// <summary>The rules, in the order they are applied.</summary>
    public IReadOnlyList<SanitizeRule> Rules { get; }

    /// <summary>
    /// The rules of a test file's sanitize file, then those given on the command line (nbf test --sanitize-with), as one
    /// set applied in that order; null when neither is given.
    /// </summary>
    public static SanitizeRules? Combine(SanitizeRules? first, SanitizeRules? then) => (first, then) switch
    {
        (null, _) => then,
        (_, null) => first,
        _ => new SanitizeRules($"{first.FilePath}, {then.FilePath}", [.. first.Rules, .. then.Rules]),
    };

    /// <summary>Reads a sanitize file; any problem is a <see cref="SanitizeFileException"/> naming the file.</summary>
    public static SanitizeRules Load(string path, TimeSpan? matchTimeout = null)
    {
        string text;
        try
        {
            // Strictly UTF-8, as nbval opens it: a file in another encoding is refused, not read with replacement marks.
            text = File.ReadAllText(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            throw new SanitizeFileException(path, null, null, $"cannot read the sanitize file: {e.Message}", e);
        }

        return Parse(text, path, matchTimeout);
    }

    /// <summary>Reads sanitize rules from text; <paramref name="path"/> names it in errors.</summary>
    public static SanitizeRules Parse(string text, string path, TimeSpan? matchTimeout = null)
    {
        var timeout = matchTimeout ?? DefaultMatchTimeout;
        // Python reads the file with universal newlines: \r\n and a lone \r end a line like \n.
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var rules = new List<SanitizeRule>();
        string? section = null;
        var sectionLine = 0;
        var sectionRules = 0;
        var afterRule = false;

        void EndSection()
        {
            if (section is not null && sectionRules == 0)
                throw new SanitizeFileException(path, section, sectionLine, $"the section has no rule: nbval reads a rule as a line starting '{RegexKey}' directly followed by a line starting '{ReplaceKey}'");
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var number = i + 1;
            var trimmed = line.Trim();
            if (line.StartsWith(RegexKey, StringComparison.Ordinal))
            {
                if (i + 1 >= lines.Length || !lines[i + 1].StartsWith(ReplaceKey, StringComparison.Ordinal))
                    throw new SanitizeFileException(path, section, number, $"'{RegexKey.TrimEnd()}' is not directly followed by a line starting '{ReplaceKey}'; nbval would ignore this rule");
                var pattern = line[RegexKey.Length..];
                var replacement = lines[i + 1][ReplaceKey.Length..];
                Add(rules, Compile(path, section, number, pattern, replacement, timeout));
                sectionRules++;
                afterRule = true;
                i++;
                continue;
            }

            if (line.StartsWith(ReplaceKey, StringComparison.Ordinal))
                throw new SanitizeFileException(path, section, number, $"'{ReplaceKey.TrimEnd()}' without a '{RegexKey.TrimEnd()}' line directly above it");

            if (trimmed.Length > 2 && trimmed[0] == '[' && trimmed[^1] == ']')
            {
                EndSection();
                section = trimmed[1..^1];
                sectionLine = number;
                sectionRules = 0;
                afterRule = false;
                continue;
            }

            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                afterRule = afterRule && trimmed.Length > 0;
                continue;
            }

            if (MisspelledKey().IsMatch(line))
                throw new SanitizeFileException(path, section, number, $"nbval reads only lines starting exactly '{RegexKey}' or '{ReplaceKey}' (lowercase, a colon and one space, not indented); it would ignore '{trimmed}'");

            if (afterRule && char.IsWhiteSpace(line[0]))
                throw new SanitizeFileException(path, section, number, "a value continued on an indented line: nbval reads a pattern and its replacement each on one line only");

            // Anything else nbval ignores, and so do we: notes, other keys.
            afterRule = false;
        }

        EndSection();
        if (rules.Count == 0) throw new SanitizeFileException(path, null, null, $"no rules: nbval reads a rule as a line starting '{RegexKey}' directly followed by a line starting '{ReplaceKey}'");
        return new SanitizeRules(path, rules);
    }

    /// <summary>The text with every rule applied in turn, each to the previous one's result.</summary>
    public string Apply(string text)
    {
        foreach (var rule in Rules) text = rule.Apply(text);
        return text;
    }

    private static SanitizeRule Compile(string path, string? section, int line, string pattern, string replacement, TimeSpan timeout)
    {
        if (pattern.Length == 0)
            throw new SanitizeFileException(path, section, line, "the regex is empty: it would match between every two characters");
        PythonRegex regex;
        try
        {
            regex = PythonRegex.Compile(pattern, timeout);
        }
        catch (ArgumentException e)
        {
            throw new SanitizeFileException(path, section, line, $"regex '{pattern}' is not valid: {e.Message}", e);
        }

        PythonReplacement template;
        try
        {
            template = PythonReplacement.Parse(replacement, regex);
        }
        catch (ArgumentException e)
        {
            throw new SanitizeFileException(path, section, line + 1, $"replace '{replacement}' is not valid for regex '{pattern}': {e.Message}", e);
        }

        return new SanitizeRule(path, section, line, pattern, replacement, regex, template);
    }

    /// <summary>nbval's ordered dict: a pattern seen again keeps its place and takes the later replacement.</summary>
    private static void Add(List<SanitizeRule> rules, SanitizeRule rule)
    {
        var existing = rules.FindIndex(r => r.Pattern == rule.Pattern);
        if (existing >= 0) rules[existing] = rule;
        else rules.Add(rule);
    }

    /// <summary>A line meant as a regex or replace key but not in the one form nbval reads.</summary>
    [GeneratedRegex(@"^\s*(?i:regex|replace)\s*[:=]")]
    private static partial Regex MisspelledKey();
}
