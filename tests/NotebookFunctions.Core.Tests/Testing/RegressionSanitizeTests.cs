using NotebookFunctions.Core.Testing;
using static NotebookFunctions.Core.Tests.Testing.SavedNotebooks;

namespace NotebookFunctions.Core.Tests.Testing;

/// <summary>nbval sanitize files: read as nbval reads them, applied as Python's re.sub applies them, refused when malformed.</summary>
public sealed class RegressionSanitizeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbf-sanitize-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_rule_replaces_what_changes_between_runs_so_the_outputs_compare_equal()
    {
        var saved = Outputs(Stream("loaded 120 rows at 2024-03-01 09:15:02\n"));
        var fresh = Outputs(Stream("loaded 120 rows at 2025-11-26 14:33:47\n"));
        var rules = Rules("""
            [Dates and times]
            regex: \d{4}-\d{2}-\d{2}
            replace: DATE
            regex: \d{2}:\d{2}:\d{2}
            replace: TIME
            """);

        Assert.NotNull(new OutputComparer().Compare(saved, fresh));
        Assert.Null(new OutputComparer(rules).Compare(saved, fresh));
        Assert.Equal("stdout of output 1: expected 'loaded 120 rows at DATE TIME', got 'loaded 121 rows at DATE TIME'",
            new OutputComparer(rules).Compare(saved, Outputs(Stream("loaded 121 rows at 2025-11-26 14:33:47\n")))?.Summary);
    }

    [Fact]
    public async Task A_memory_address_rule_lets_a_real_objects_repr_pass()
    {
        var saved = TestNotebooks.WithCells(Code("c0", 1, "class Thing:\n    pass\nThing()", Result("<__main__.Thing at 0x7f3a2c1b9e50>")));
        var executed = await RunAsync(saved);
        var rules = Rules("""
            [Memory addresses]
            regex: 0x[0-9a-f]+
            replace: 0xADDRESS
            """);

        var without = Assert.Single(RegressionCheck.Compare(saved, executed, new RegressionOptions()));
        Assert.StartsWith("text/plain of output 1: expected '<__main__.Thing at 0x7f3a2c1b9e50>', got '<__main__.Thing at 0x", without.Summary, StringComparison.Ordinal);
        Assert.Empty(RegressionCheck.Compare(saved, executed, new RegressionOptions { Sanitize = rules }));
    }

    [Fact]
    public void Named_groups_and_replacements_use_pythons_syntax()
    {
        var named = Rules("""
            [Ids]
            regex: (?P<key>\w+)=(?P<value>\d+)
            replace: \g<key>=N
            """);
        Assert.Equal("id=N and n=N", named.Apply("id=42 and n=7"));

        // Python numbers named and unnamed groups together, in order; .NET would number the named one last.
        var numbered = Rules("""
            [Groups]
            regex: (?P<a>x)(y)
            replace: \2\1\g<a>
            """);
        Assert.Equal("yxx", numbered.Apply("xy"));

        var backReference = Rules("""
            [Repeats]
            regex: (?P<word>\w+) (?P=word)
            replace: \g<word>
            """);
        Assert.Equal("the cat", backReference.Apply("the the cat"));
    }

    [Fact]
    public void Replacement_text_follows_pythons_rules_not_dotnets()
    {
        Assert.Equal("$1 costs $$", Rules("[S]\nregex: price\nreplace: $1 costs $$").Apply("price"));
        Assert.Equal("[a][]", Rules("[S]\nregex: (a)|b\nreplace: [\\1]").Apply("ab"));
        Assert.Equal("A\tB", Rules("[S]\nregex: x\nreplace: \\101\\tB").Apply("x"));
        Assert.Equal("\\&", Rules("[S]\nregex: x\nreplace: \\&").Apply("x"));
    }

    [Fact]
    public void Patterns_mean_what_they_mean_in_python()
    {
        // \Z is the very end in Python (.NET's \z), and {,2} is a quantifier.
        var end = Rules("[S]\nregex: end\\Z\nreplace: E");
        Assert.Equal("the end\n", end.Apply("the end\n"));
        Assert.Equal("the E", end.Apply("the end"));
        Assert.Equal("X", Rules("[S]\nregex: a{,2}b\nreplace: X").Apply("aab"));
        Assert.Equal("-a-b--d-", Rules("[S]\nregex: x*\nreplace: -").Apply("abxd"));
    }

    [Fact]
    public void Rules_apply_in_file_order_and_a_repeated_regex_keeps_its_place_with_the_later_replacement()
    {
        var rules = Rules("""
            [Section1]
            regex: foo
            replace: bar1

            regex: bar1
            replace: X

            [Section2 overrides foo]
            regex: foo
            replace: bar2
            """);

        Assert.Equal(["foo", "bar1"], rules.Rules.Select(r => r.Pattern));
        Assert.Equal("bar2", rules.Apply("foo"));
        Assert.Equal("X", rules.Apply("bar1"));
    }

    [Fact]
    public void Values_are_the_rest_of_the_line_as_nbval_reads_them()
    {
        var rules = Rules("regex: a: b # not a comment\r\nreplace:  100% \r\n");

        var rule = Assert.Single(rules.Rules);
        Assert.Equal(("a: b # not a comment", " 100% ", null, 1), (rule.Pattern, rule.Replacement, rule.Section, rule.Line));
    }

    [Fact]
    public void A_file_written_for_nbval_loads_unchanged()
    {
        var path = Path.Combine(_folder, "nbval-sanitize.cfg");
        File.WriteAllText(path, """
            [Timestamps]
            regex: \d{1,2}/\d{1,2}/\d{2,4}
            replace: DATE-STAMP

            regex: \d{2}:\d{2}:\d{2}
            replace: TIME-STAMP

            [Object reprs]
            regex: (<[a-zA-Z_][0-9a-zA-Z_.]* at )(0x[0-9a-fA-F]+)(>)
            replace: \1ADDRESS\3

            [Figures]
            regex: (Figure size )\d+x\d+( with \d+ Axes)
            replace: \1WxH\2

            """);

        var rules = SanitizeRules.Load(path);

        Assert.Equal(["Timestamps", "Timestamps", "Object reprs", "Figures"], rules.Rules.Select(r => r.Section));
        Assert.Equal("<Figure size WxH with 1 Axes> <foo.Bar at ADDRESS> DATE-STAMP TIME-STAMP",
            rules.Apply("<Figure size 640x480 with 1 Axes> <foo.Bar at 0x7F00aa> 3/14/2024 09:10:11"));
    }

    [Theory]
    [InlineData("[Dates]\nregex: (\\d+\nreplace: N", "Dates", 2, "regex '(\\d+' is not valid")]
    [InlineData("[Empty]\n# nothing yet\n[Ok]\nregex: a\nreplace: b", "Empty", 1, "the section has no rule")]
    [InlineData("[Pair]\nregex: a\n\nreplace: b", "Pair", 2, "'regex:' is not directly followed by a line starting 'replace: '")]
    [InlineData("[Pair]\nreplace: b", "Pair", 2, "'replace:' without a 'regex:' line directly above it")]
    [InlineData("[Ini]\nregex = a\nreplace = b", "Ini", 2, "nbval reads only lines starting exactly 'regex: ' or 'replace: '")]
    [InlineData("[Case]\nRegex: a\nreplace: b", "Case", 2, "nbval reads only lines starting exactly")]
    [InlineData("[Indent]\n  regex: a\n  replace: b", "Indent", 2, "nbval reads only lines starting exactly")]
    [InlineData("[Multi]\nregex: a\nreplace: b\n  continued", "Multi", 4, "each on one line only")]
    [InlineData("[Groups]\nregex: (a)\nreplace: \\2", "Groups", 3, "invalid group reference 2")]
    [InlineData("[Groups]\nregex: (?P<a>x)\nreplace: \\g<b>", "Groups", 3, "unknown group name 'b'")]
    [InlineData("[Escape]\nregex: a\nreplace: \\q", "Escape", 3, "bad escape \\q")]
    [InlineData("[DotNet]\nregex: (?<n>a)\nreplace: b", "DotNet", 2, "count its groups differently")]
    [InlineData("[Blank]\nregex: \nreplace: b", "Blank", 2, "the regex is empty")]
    public void A_malformed_file_is_refused_naming_the_section_the_line_and_the_problem(string text, string section, int line, string problem)
    {
        var e = Assert.Throws<SanitizeFileException>(() => SanitizeRules.Parse(text, "checks.cfg"));

        Assert.Equal(("checks.cfg", section, line), (e.Path, e.Section, e.Line));
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"checks.cfg: section [{section}], line {line}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_any_rule_is_refused()
    {
        var e = Assert.Throws<SanitizeFileException>(() => SanitizeRules.Parse("# just notes\n", "empty.cfg"));

        Assert.StartsWith("empty.cfg: no rules", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_file_is_refused_naming_it()
    {
        var missing = Path.Combine(_folder, "missing.cfg");
        var notUtf8 = Path.Combine(_folder, "latin1.cfg");
        File.WriteAllBytes(notUtf8, [.. "[S]\nregex: caf"u8, 0xE9, .. "\nreplace: x\n"u8]);

        Assert.StartsWith($"{missing}: cannot read the sanitize file", Assert.Throws<SanitizeFileException>(() => SanitizeRules.Load(missing)).Message, StringComparison.Ordinal);
        Assert.StartsWith($"{notUtf8}: cannot read the sanitize file", Assert.Throws<SanitizeFileException>(() => SanitizeRules.Load(notUtf8)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pattern_that_backtracks_without_end_is_reported_as_the_files_fault()
    {
        var rules = SanitizeRules.Parse("[Slow]\nregex: (a+)+$\nreplace: x", "slow.cfg", TimeSpan.FromMilliseconds(1));

        var e = Assert.Throws<SanitizeFileException>(() => rules.Apply(new string('a', 5000) + "!"));

        Assert.Equal(("Slow", 2), (e.Section, e.Line));
        Assert.Contains("backtracks too much", e.Problem, StringComparison.Ordinal);
    }
}
