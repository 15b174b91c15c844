namespace NotebookFunctions.Core.Testing;

public enum TestKind
{
    /// <summary>Re-executed top to bottom, outputs compared with the saved ones.</summary>
    Regression,

    /// <summary>A case of the test file: parameters, sample input, expectations.</summary>
    Case,

    /// <summary>A case run over the sample cut into chunks and over the whole of it, the final results compared.</summary>
    FanOut,
}

public enum TestOutcome
{
    Passed,

    /// <summary>It ran, and something differed from what was expected.</summary>
    Failed,

    /// <summary>It could not be run as asked (parameters that do not fit, a kernel that did not start, a secret not found).</summary>
    Error,

    Skipped,
}

/// <summary>One thing that differed, and where: the cell (index, id, In [n]) when a cell is to blame.</summary>
/// <param name="Message">What differed, one line.</param>
/// <param name="CellIndex">The cell to blame, when one is.</param>
/// <param name="CellId">Its id, when the notebook has cell ids.</param>
/// <param name="ExecutionCount">Its In [n] in the run that showed the difference.</param>
/// <param name="Detail">More lines: a diff of the two outputs, the rows that differ.</param>
public sealed record TestFailure(string Message, int? CellIndex = null, string? CellId = null, int? ExecutionCount = null, string Detail = "")
{
    /// <summary>"cell 3 (id 'totals', In [4])", or empty when no cell is to blame.</summary>
    public string Where
    {
        get
        {
            if (CellIndex is null) return string.Empty;
            var parts = new List<string>();
            if (CellId is not null) parts.Add($"id '{CellId}'");
            if (ExecutionCount is not null) parts.Add($"In [{ExecutionCount}]");
            return parts.Count == 0 ? $"cell {CellIndex}" : $"cell {CellIndex} ({string.Join(", ", parts)})";
        }
    }

    /// <summary>One line: where, then what.</summary>
    public string Summary => Where.Length == 0 ? Message : $"{Where}: {Message}";
}

/// <summary>How one test of one notebook went.</summary>
/// <param name="Notebook">The notebook as the user named it.</param>
/// <param name="Case">"regression", or the case's name.</param>
/// <param name="Kind">Which kind of test.</param>
/// <param name="Outcome">How it went.</param>
/// <param name="Failures">What differed (Failed) or why it could not run (Error).</param>
/// <param name="Duration">Wall time, kernels included.</param>
public sealed record TestResult(string Notebook, string Case, TestKind Kind, TestOutcome Outcome, IReadOnlyList<TestFailure> Failures, TimeSpan Duration)
{
    /// <summary>Why it was skipped.</summary>
    public string? SkipReason { get; init; }

    /// <summary>"notebook.ipynb [case]".</summary>
    public string Title => $"{Notebook} [{Case}]";
}
