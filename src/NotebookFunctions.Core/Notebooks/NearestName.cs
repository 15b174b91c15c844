namespace NotebookFunctions.Core.Notebooks;

/// <summary>"Did you mean": the known name nearest to a misspelled one, for refusals of unknown fields.</summary>
public static class NearestName
{
    /// <summary>The known name within two edits of <paramref name="name"/> (case ignored), nearest first; null when none is that close.</summary>
    public static string? To(string name, IEnumerable<string> known) =>
        known.Select(k => (Name: k, Distance: Distance(k.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(k => k.Distance <= 2).OrderBy(k => k.Distance).Select(k => k.Name).FirstOrDefault();

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }

        return previous[b.Length];
    }
}
