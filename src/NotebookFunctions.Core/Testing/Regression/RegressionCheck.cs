using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Testing;

/// <summary>
/// nbval's check of a whole notebook: run it top to bottom on a fresh kernel and compare each code cell's new outputs
/// with the ones saved in the file. The caller runs the notebook from <see cref="PrepareForRun"/> on
/// <see cref="NotebookExecutor"/> with <see cref="ExecutionOptions.AllowErrors"/> set, so that, as under nbval, a
/// failing cell fails alone and every later cell still runs; then hands both notebooks to <see cref="Compare"/>.
/// </summary>
public static partial class RegressionCheck
{
    private const int MaxTracebackLines = 40;

    /// <summary>
    /// The notebook to execute: a copy in which cells marked nbval-skip carry the executor's skip tag, so they do not
    /// run. They are tagged rather than removed so every cell keeps its index, and <see cref="Compare"/> can pair the
    /// saved and executed cells by position; and rather than blanked so the executed notebook, shown to whoever
    /// reads the result, still has their source.
    /// </summary>
    public static Notebook PrepareForRun(Notebook saved)
    {
        var copy = saved.Clone();
        foreach (var cell in copy.Cells)
        {
            if (!NbvalMarkers.Of(cell).Skip || cell.HasTag(NotebookExecutor.SkipTag)) continue;
            if (cell.Metadata["tags"] is JsonArray tags) tags.Add(NotebookExecutor.SkipTag);
            else cell.Metadata["tags"] = new JsonArray(NotebookExecutor.SkipTag);
        }

        return copy;
    }

    /// <summary>
    /// The cells whose run does not match the saved notebook, in cell order (the first is the first differing cell),
    /// at most one per cell: its first difference, as nbval reports one failure per cell. The rules, nbval's:
    /// <list type="bullet">
    /// <item>Skipped cells pass (not run).</item>
    /// <item>A cell that raised fails unless marked raises-exception, whatever its other markers and the mode.</item>
    /// <item>A cell marked raises-exception that raised nothing fails (in nbval only when its outputs are compared,
    /// as the saved error is then missing; here always, the marker being a claim about the cell).</item>
    /// <item>A saved cell never run (no execution count) is not compared; with outputs nonetheless it fails, as in nbval.</item>
    /// <item>Otherwise outputs are compared by <see cref="OutputComparer"/> unless a marker says to ignore them, or the
    /// mode is lax and no marker says to check them. A cell run with no output must still give none.</item>
    /// </list>
    /// Error banner cells (<see cref="ErrorBanner"/>), which the executor adds when a run stops, are not cells of the
    /// notebook and are set aside on both sides.
    /// </summary>
    /// <exception cref="ArgumentException">The executed notebook's cells do not pair with the saved ones.</exception>
    public static IReadOnlyList<RegressionMismatch> Compare(Notebook saved, Notebook executed, RegressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var savedCells = Pairable(saved);
        var runCells = Pairable(executed);
        if (savedCells.Count != runCells.Count)
            throw new ArgumentException($"the executed notebook has {runCells.Count} cells and the saved one {savedCells.Count}: it is not a run of it", nameof(executed));

        var comparer = new OutputComparer(options.Sanitize);
        var mismatches = new List<RegressionMismatch>();
        for (var k = 0; k < savedCells.Count; k++)
        {
            var (index, cell) = savedCells[k];
            var run = runCells[k].Cell;
            if (cell.CellType != run.CellType || (cell.Id is not null && run.Id is not null && cell.Id != run.Id))
                throw new ArgumentException($"{cell.Describe(index)} of the saved notebook pairs with a {run.CellType} cell with id '{run.Id}' in the executed one: it is not a run of it", nameof(executed));
            if (!cell.IsCode) continue;
            if (Check(cell, run, options, comparer) is { } found)
                mismatches.Add(new RegressionMismatch(index, cell.Id, run.ExecutionCount, found.Summary, found.Diff));
        }

        return mismatches;
    }

    private static OutputDifference? Check(Cell saved, Cell run, RegressionOptions options, OutputComparer comparer)
    {
        var markers = NbvalMarkers.Of(saved);
        // Our executor's own skip tag is honoured too: such a cell did not run, so there is nothing to compare.
        if (markers.Skip || saved.HasTag(NotebookExecutor.SkipTag)) return null;

        var error = run.Outputs.OfType<JsonObject>().FirstOrDefault(o => Str(o["output_type"]) == "error");
        if (error is not null && !markers.RaisesException)
            return new OutputDifference($"raised {Str(error["ename"])}: {FirstLine(Str(error["evalue"]) ?? string.Empty)}", Traceback(error));

        // A cell that should have run and has no count: an earlier cell ended the run (timeout, dead kernel, sys.exit).
        // Blank cells are never sent to the kernel, and nbval's run of one gives nothing: they are compared as run.
        if (error is null && run.ExecutionCount is null && !string.IsNullOrWhiteSpace(run.Source))
            return new OutputDifference("did not run: the run stopped before this cell", string.Empty);

        if (markers.RaisesException && error is null)
            return new OutputDifference("marked to raise an exception (raises-exception or NBVAL_RAISES_EXCEPTION), but raised none", string.Empty);

        var unrun = saved.ExecutionCount is null;
        if (unrun && saved.Outputs.Count > 0)
            return new OutputDifference("the saved cell has outputs but no execution count, which nbval refuses (\"Unrun reference cell has outputs\"): run the notebook and save it again", string.Empty);
        if (unrun || !markers.ComparesOutput(options.Lax)) return null;
        return comparer.Compare(saved.Outputs, run.Outputs);
    }

    /// <summary>The cells with their index in the notebook, error banners left out.</summary>
    private static List<(int Index, Cell Cell)> Pairable(Notebook notebook) =>
        notebook.Cells.Select((cell, index) => (index, cell)).Where(p => !p.cell.HasTag(ErrorBanner.Tag)).ToList();

    /// <summary>The error's traceback without terminal colours, its last lines (where the error is) when it is long.</summary>
    private static string Traceback(JsonObject error)
    {
        var text = error["traceback"] is JsonArray frames ? string.Join("\n", frames.Select(f => Str(f) ?? string.Empty)) : string.Empty;
        var lines = Ansi.Strip(text).Split('\n');
        if (lines.Length <= MaxTracebackLines) return string.Join("\n", lines);
        return $"... ({lines.Length - (MaxTracebackLines - 1)} earlier lines)\n" + string.Join("\n", lines[^(MaxTracebackLines - 1)..]);
    }

    private static string FirstLine(string text) => text.Split('\n')[0];

    private static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
