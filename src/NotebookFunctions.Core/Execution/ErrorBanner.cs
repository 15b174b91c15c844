using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Execution;

/// <summary>
/// Marks a failed notebook as papermill does, so people who know papermill's output recognise it: a red banner at the
/// top linking to an anchor placed just above the failing cell. Both cells carry papermill's tag.
/// </summary>
public static class ErrorBanner
{
    /// <summary>papermill's tag for the banner and anchor cells.</summary>
    public const string Tag = "papermill-error-cell-tag";

    private const string Style = "color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;";

    /// <summary>Inserts the anchor above the failing cell and the banner at the top.</summary>
    public static void Insert(Notebook notebook, ExecutionFailure failure)
    {
        RemoveExisting(notebook);
        if (failure.CellIndex is { } index)
        {
            var anchor = $"<span id=\"papermill-error-cell\" style=\"{Style}\">Execution using nbf encountered an exception here and stopped:</span>";
            notebook.Cells.Insert(index, Cell.NewMarkdown(anchor, notebook.NewCellId(), Tag));
        }

        var prompt = failure.ExecutionCount is { } count ? $"In [{count}]" : failure.CellIndex is { } i ? $"cell {i}" : "start-up";
        var banner = $"<span style=\"{Style}\">An Exception was encountered at '<a href=\"#papermill-error-cell\">{prompt}</a>'.</span>";
        notebook.Cells.Insert(0, Cell.NewMarkdown(banner, notebook.NewCellId(), Tag));
    }

    /// <summary>A re-run of an output notebook must not stack banners.</summary>
    public static void RemoveExisting(Notebook notebook) => notebook.Cells.RemoveAll(c => c.HasTag(Tag));
}
