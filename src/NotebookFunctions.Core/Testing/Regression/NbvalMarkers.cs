using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// What nbval's markers say about one code cell, read from its tags and from its <c># NBVAL_*</c> comment lines exactly
/// as nbval reads them, so a notebook annotated for nbval means the same here.
/// </summary>
/// <param name="CheckOutput">True or false when a marker says to compare or ignore the outputs; null when none does,
/// and the mode decides (<see cref="ComparesOutput"/>).</param>
/// <param name="RaisesException">The cell is expected to raise.</param>
/// <param name="Skip">The cell is neither run nor compared.</param>
public sealed record NbvalMarkers(bool? CheckOutput, bool RaisesException, bool Skip)
{
    /// <summary>A cell without markers.</summary>
    public static readonly NbvalMarkers None = new(null, false, false);

    // nbval's comment markers. PYTEST_VALIDATE_IGNORE_OUTPUT is its old name for NBVAL_IGNORE_OUTPUT, still accepted.
    private static readonly Dictionary<string, (Kind Kind, bool Value)> Comments = new(StringComparer.Ordinal)
    {
        ["PYTEST_VALIDATE_IGNORE_OUTPUT"] = (Kind.Check, false),
        ["NBVAL_IGNORE_OUTPUT"] = (Kind.Check, false),
        ["NBVAL_CHECK_OUTPUT"] = (Kind.Check, true),
        ["NBVAL_RAISES_EXCEPTION"] = (Kind.RaisesException, true),
        ["NBVAL_SKIP"] = (Kind.Skip, true),
    };

    // nbval derives its tags from the comments (lowercase, '-' for '_'), so pytest-validate-ignore-output is a tag too;
    // it adds Jupyter's own raises-exception, which Notebook 5.1 and nbclient already honour.
    private static readonly Dictionary<string, (Kind Kind, bool Value)> TagMarkers = BuildTagMarkers();

    private enum Kind
    {
        Check,
        RaisesException,
        Skip,
    }

    /// <summary>Whether the cell's outputs are compared: by its marker, else always in nbval's strict mode and never in lax mode.</summary>
    public bool ComparesOutput(bool lax) => CheckOutput ?? !lax;

    /// <summary>The markers of a cell; markdown and raw cells have none (nbval only tests code cells).</summary>
    public static NbvalMarkers Of(Cell cell) => cell.IsCode ? From(cell.Tags, cell.Source) : None;

    /// <summary>
    /// The markers given by these tags and this source. As in nbval: tags and comments must match exactly (case
    /// included); when two markers set the same thing the later one wins, and a comment wins over a tag.
    /// </summary>
    public static NbvalMarkers From(IEnumerable<string> tags, string source)
    {
        var found = new Dictionary<Kind, bool>();
        foreach (var tag in tags)
        {
            if (TagMarkers.TryGetValue(tag, out var marker)) found[marker.Kind] = marker.Value;
        }

        foreach (var comment in CommentTexts(source))
        {
            if (Comments.TryGetValue(comment, out var marker)) found[marker.Kind] = marker.Value;
        }

        return new NbvalMarkers(
            found.TryGetValue(Kind.Check, out var check) ? check : null,
            found.GetValueOrDefault(Kind.RaisesException),
            found.GetValueOrDefault(Kind.Skip));
    }

    private static Dictionary<string, (Kind Kind, bool Value)> BuildTagMarkers()
    {
        var tags = Comments.ToDictionary(p => p.Key.ToLowerInvariant().Replace('_', '-'), p => p.Value, StringComparer.Ordinal);
        tags["raises-exception"] = (Kind.RaisesException, true);
        return tags;
    }

    /// <summary>
    /// The text of each comment line, as nbval takes it: the line stripped, a line starting with '#', all leading '#'
    /// removed, stripped again. So "#NBVAL_SKIP" and "##  NBVAL_SKIP " count; "x = 1  # NBVAL_SKIP" does not.
    /// </summary>
    private static IEnumerable<string> CommentTexts(string source)
    {
        // TextLines.Split breaks lines where Python's str.splitlines does; the breaks themselves go with the strip.
        foreach (var node in TextLines.Split(source))
        {
            var line = PythonStrip(node!.GetValue<string>());
            if (line.StartsWith('#')) yield return PythonStrip(line.TrimStart('#'));
        }
    }

    /// <summary>Python's str.strip(): its whitespace is .NET's plus the separators \x1c to \x1f.</summary>
    private static string PythonStrip(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && IsPythonSpace(s[start])) start++;
        while (end > start && IsPythonSpace(s[end - 1])) end--;
        return s[start..end];
    }

    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';
}
