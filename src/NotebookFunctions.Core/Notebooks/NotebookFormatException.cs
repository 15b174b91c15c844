namespace NotebookFunctions.Core.Notebooks;

/// <summary>A notebook file that cannot be read as nbformat 4: broken JSON, another format version, or invalid fields.</summary>
public sealed class NotebookFormatException : Exception
{
    public NotebookFormatException(string source, IReadOnlyList<NotebookProblem> problems)
        : base(FormatMessage(source, problems))
    {
        Source = source;
        Problems = problems;
    }

    /// <summary>Where the notebook came from (a path or a blob name).</summary>
    public new string Source { get; }

    public IReadOnlyList<NotebookProblem> Problems { get; }

    private static string FormatMessage(string source, IReadOnlyList<NotebookProblem> problems)
    {
        if (problems.Count == 1) return $"{source}: {problems[0]}";
        return $"{source}: {problems.Count} problems:\n" + string.Join("\n", problems.Select(p => "  - " + p));
    }
}

/// <summary>One thing wrong with a notebook, located by cell (index and id) and field.</summary>
public sealed record NotebookProblem(string Message, int? CellIndex = null, string? CellId = null, string? Field = null)
{
    public override string ToString()
    {
        var where = CellIndex is null ? null : CellId is null ? $"cell {CellIndex}" : $"cell {CellIndex} (id '{CellId}')";
        var field = Field is null ? null : $"field '{Field}'";
        var location = string.Join(", ", new[] { where, field }.Where(s => s is not null));
        return location.Length == 0 ? Message : $"{location}: {Message}";
    }
}
