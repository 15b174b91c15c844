namespace NotebookFunctions.Core.Testing;

/// <summary>One cell whose run does not match the saved notebook.</summary>
/// <param name="CellIndex">0-based index of the cell in the saved notebook.</param>
/// <param name="CellId">The cell's id, when the notebook has ids.</param>
/// <param name="ExecutionCount">The cell's In [n] in this run; null when it did not run.</param>
/// <param name="Summary">One line: what differs.</param>
/// <param name="Diff">A diff of the saved and new text, or the traceback of an unexpected error; may be empty.</param>
public sealed record RegressionMismatch(int CellIndex, string? CellId, int? ExecutionCount, string Summary, string Diff)
{
    /// <summary>"cell 3 (id 'a1'), In [4]: stdout of output 1: expected '1', got '2'".</summary>
    public override string ToString()
    {
        var cell = CellId is null ? $"cell {CellIndex}" : $"cell {CellIndex} (id '{CellId}')";
        return ExecutionCount is { } n ? $"{cell}, In [{n}]: {Summary}" : $"{cell}: {Summary}";
    }
}
