namespace NotebookFunctions.Core.Notebooks;

/// <summary>Cell tags with a meaning to papermill and to us; here so notebook checks need not reach into parameters.</summary>
public static class CellTags
{
    /// <summary>The cell holding a notebook's parameter defaults: its schema.</summary>
    public const string Parameters = "parameters";

    /// <summary>The cell papermill (and we) insert with a run's values.</summary>
    public const string InjectedParameters = "injected-parameters";
}
