using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>A publish-time warning: the notebook runs, but something in the saved file suggests it may not do what its author saw.</summary>
public sealed record LintWarning(string Code, string Message, int? CellIndex = null, string? CellId = null);

/// <summary>
/// Warnings for the hidden-state mistakes a saved notebook gives away: cells run out of order or not at all in the
/// session that saved it, no <c>parameters</c> cell (nothing can be varied per run), and errors saved in outputs.
/// </summary>
public static class NotebookLinter
{
    public static List<LintWarning> Lint(Notebook notebook)
    {
        var warnings = new List<LintWarning>();
        if (!notebook.Cells.Any(c => c.HasTag(CellTags.Parameters)))
            warnings.Add(new LintWarning("no-parameters-cell", $"no cell is tagged '{CellTags.Parameters}': runs cannot pass parameters, and injected values go to the top"));

        var last = 0;
        var executed = 0;
        var unexecuted = new List<int>();
        for (var i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            if (!cell.IsCode || cell.Source.Trim().Length == 0) continue;
            if (cell.ExecutionCount is not { } count)
            {
                unexecuted.Add(i);
            }
            else
            {
                executed++;
                if (count <= last)
                    warnings.Add(new LintWarning("out-of-order", $"{cell.Describe(i)} was run as In [{count}] after a cell run as In [{last}]: the saved results may depend on hidden state", i, cell.Id));
                last = Math.Max(last, count);
            }

            foreach (var output in cell.Outputs.OfType<JsonObject>().Where(o => o["output_type"]?.GetValue<string>() == "error"))
                warnings.Add(new LintWarning("saved-error", $"{cell.Describe(i)} has a saved error output: {output["ename"]}: {output["evalue"]}", i, cell.Id));
        }

        // A notebook saved with no outputs at all is a clean file, not a partial run.
        if (executed > 0)
        {
            foreach (var i in unexecuted)
                warnings.Add(new LintWarning("not-executed", $"{notebook.Cells[i].Describe(i)} was not run in the session that saved the notebook", i, notebook.Cells[i].Id));
        }

        return warnings;
    }
}
