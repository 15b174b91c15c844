using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Parameters;

/// <summary>Checks requested values against a notebook's schema, so a bad request fails before a kernel starts.</summary>
public static class ParameterValidator
{
    /// <summary>Throws when a name is unknown (listing the known ones) or a value does not fit its declared type.</summary>
    /// <param name="notebookName">Named in the error.</param>
    /// <param name="schema">The notebook's schema.</param>
    /// <param name="values">Requested values.</param>
    /// <param name="alsoAllowed">Names injected by the system (reserved parameters) that need no declaration.</param>
    public static void Validate(string notebookName, ParameterSchema schema, JsonObject values, IReadOnlyCollection<string>? alsoAllowed = null)
    {
        var problems = new List<ParameterProblem>();
        var known = string.Join(", ", schema.Parameters.Select(p => p.Name));
        foreach (var (name, value) in values)
        {
            if (alsoAllowed?.Contains(name) == true) continue;
            var declared = schema[name];
            if (declared is null)
            {
                var hint = schema.HasParametersCell
                    ? $"the notebook declares {(known.Length == 0 ? "no parameters" : known)}"
                    : "the notebook has no cell tagged 'parameters' to declare it in";
                problems.Add(new ParameterProblem(name, $"unknown parameter; {hint}"));
                continue;
            }

            var mismatch = ParameterTypes.Check(declared, value);
            if (mismatch is not null) problems.Add(new ParameterProblem(name, mismatch + $" (declared on line {declared.Line} of the parameters cell as {declared.Name} = {declared.Default})"));
        }

        if (problems.Count == 0) return;
        var message = problems.Count == 1
            ? $"{notebookName}: {problems[0]}"
            : $"{notebookName}: {problems.Count} parameter problems:\n" + string.Join("\n", problems.Select(p => "  - " + p));
        throw new ParameterException(message, problems);
    }
}
