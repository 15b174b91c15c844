namespace NotebookFunctions.Core.Parameters;

/// <summary>Requested parameters do not fit the notebook's schema; raised before any kernel starts.</summary>
public sealed class ParameterException : Exception
{
    public ParameterException(string message, IReadOnlyList<ParameterProblem> problems) : base(message) => Problems = problems;

    public IReadOnlyList<ParameterProblem> Problems { get; }
}

/// <summary>One parameter at fault and why.</summary>
public sealed record ParameterProblem(string Parameter, string Message)
{
    public override string ToString() => $"parameter '{Parameter}': {Message}";
}
