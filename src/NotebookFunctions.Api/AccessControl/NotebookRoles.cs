namespace NotebookFunctions.Api.AccessControl;

/// <summary>The app roles of the API (Entra ID app roles; the same names in Bicep and in tokens).</summary>
public static class NotebookRoles
{
    /// <summary>Reads notebooks, runs, results and schedules.</summary>
    public const string Reader = "Notebooks.Reader";

    /// <summary>Starts, cancels and repairs runs.</summary>
    public const string Runner = "Notebooks.Runner";

    /// <summary>Publishes notebooks and manages schedules.</summary>
    public const string Publisher = "Notebooks.Publisher";

    /// <summary>Not a role: what an operation any signed-in caller may use needs (who am I, with no roles yet).</summary>
    public const string SignedIn = "";

    public static IReadOnlyList<string> All { get; } = [Reader, Runner, Publisher];
}
