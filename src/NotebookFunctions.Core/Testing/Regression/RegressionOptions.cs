namespace NotebookFunctions.Core.Testing;

/// <summary>How a regression check compares, in nbval's terms.</summary>
public sealed record RegressionOptions
{
    /// <summary>
    /// nbval's <c>--nbval-lax</c>: every cell still runs and still fails if it raises unexpectedly, but only cells
    /// marked check-output have their outputs compared.
    /// </summary>
    public bool Lax { get; init; }

    /// <summary>nbval's <c>--nbval-sanitize-with</c>: rules applied to both sides' text before comparing.</summary>
    public SanitizeRules? Sanitize { get; init; }
}
