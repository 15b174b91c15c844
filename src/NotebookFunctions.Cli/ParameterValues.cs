using System.Text.Json.Nodes;
using NotebookFunctions.Core.Parameters;

namespace NotebookFunctions.Cli;

/// <summary>The values of a run from the command line: the -f file's first, then each -p in order, typed by the notebook's schema.</summary>
internal static class ParameterValues
{
    public static JsonObject Collect(string? file, IReadOnlyList<string> pairs, Func<ParameterSchema> schema)
    {
        var values = file is null ? new JsonObject() : ParameterFile.Read(file);
        if (pairs.Count == 0) return values;
        var declared = schema();
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new ParameterException($"-p {pair}: expected name=value", [new ParameterProblem(pair, "expected name=value")]);
            var name = pair[..eq].Trim();
            values[name] = ParameterValueParser.Parse(pair[(eq + 1)..], declared[name]);
        }

        return values;
    }
}
