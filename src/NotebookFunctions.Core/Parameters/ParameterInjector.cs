using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Parameters;

/// <summary>Inserts the <c>injected-parameters</c> cell as papermill does: in place of an earlier injected cell, else right after the parameters cell, else at the top.</summary>
public static class ParameterInjector
{
    /// <summary>Injects the values and records them in metadata.papermill.parameters; returns the injected cell's index.</summary>
    public static int Inject(Notebook notebook, JsonObject parameters, IParameterTranslator translator, string comment = "Parameters")
    {
        var source = translator.Codify(parameters, comment);
        var cell = Cell.NewCode(source, notebook.NewCellId(), ParameterSchema.InjectedTag);

        var injected = notebook.Cells.FindIndex(c => c.HasTag(ParameterSchema.InjectedTag));
        var defaults = notebook.Cells.FindIndex(c => c.HasTag(ParameterSchema.ParametersTag));
        int index;
        if (injected >= 0)
        {
            notebook.Cells[injected] = cell;
            index = injected;
        }
        else
        {
            index = defaults >= 0 ? defaults + 1 : 0;
            notebook.Cells.Insert(index, cell);
        }

        // papermill's place for them: scrapbook and papermill readers find the parameters there.
        PapermillMetadata.Reset(notebook, parameters);
        return index;
    }
}
