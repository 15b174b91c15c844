namespace NotebookFunctions.Core.Testing;

/// <summary>A test file (or the tests a notebook carries) that cannot be used, naming the file, the field and what is wrong.</summary>
public sealed class TestFileException(string source, string field, string problem)
    : Exception(field.Length == 0 ? $"{source}: {problem}" : $"{source}: {field}: {problem}")
{
    public string File { get; } = source;

    /// <summary>Where in the file, e.g. "cases[1].expect.scraps.total"; empty for the file as a whole.</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong, without the file and field.</summary>
    public string Problem { get; } = problem;
}
