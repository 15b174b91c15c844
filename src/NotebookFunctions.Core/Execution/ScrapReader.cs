using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Execution;

/// <summary>Reads scrapbook-compatible scraps (display_data of <c>application/scrapbook.scrap.json+json</c>) from an executed notebook.</summary>
public static class ScrapReader
{
    public const string ScrapMime = "application/scrapbook.scrap.json+json";

    /// <summary>Scraps in output order; a later scrap of the same name wins, as in scrapbook.</summary>
    public static JsonObject Read(Notebook notebook)
    {
        var scraps = new JsonObject();
        foreach (var cell in notebook.Cells.Where(c => c.IsCode))
        {
            foreach (var output in cell.Outputs.OfType<JsonObject>())
            {
                if (output["data"]?[ScrapMime] is not JsonObject scrap) continue;
                if (scrap["name"] is not JsonValue name || name.GetValueKind() != JsonValueKind.String) continue;
                scraps[name.GetValue<string>()] = scrap["data"]?.DeepClone();
            }
        }

        return scraps;
    }
}
