using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>
/// A requirements file published with a notebook: NAME.requirements.txt beside NAME.ipynb, one PEP 508 requirement per
/// line as pip reads them (blank lines and # comments allowed). Publishing folds its lines into the published version's
/// <c>metadata.notebook_functions.requirements</c>, so a version names what it needs and every run checks the same
/// list. pip's options (-r, -e, --index-url) and direct references (URLs, paths) are refused, naming the line: a
/// requirement here is checked against the kernel's environment, never installed.
/// </summary>
public static class RequirementsFile
{
    /// <summary>The requirements file of a notebook file, whether or not it exists.</summary>
    public static string SidecarOf(string notebookPath)
    {
        var folder = Path.GetDirectoryName(notebookPath) ?? string.Empty;
        return Path.Combine(folder, Path.GetFileNameWithoutExtension(notebookPath) + ".requirements.txt");
    }

    /// <summary>Folds the notebook file's requirements file into it, when there is one; true when it did.</summary>
    /// <exception cref="NotebookFormatException">The requirements file cannot be read or holds a line that is not a requirement.</exception>
    public static bool FoldSidecar(Notebook notebook, string notebookPath)
    {
        var sidecar = SidecarOf(notebookPath);
        if (!File.Exists(sidecar)) return false;
        string text;
        try
        {
            text = File.ReadAllText(sidecar);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException(sidecar, [new NotebookProblem($"cannot read the file: {e.Message}")]);
        }

        Fold(notebook, Parse(text, sidecar), $"{notebookPath} with {Path.GetFileName(sidecar)}");
        return true;
    }

    /// <summary>The file's requirements, in order.</summary>
    /// <exception cref="NotebookFormatException">A line is not a requirement, naming it.</exception>
    public static IReadOnlyList<string> Parse(string text, string source)
    {
        var requirements = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = StripComment(lines[i]).Trim();
            if (line.Length == 0) continue;
            var where = $"line {i + 1}";
            string? problem = line.StartsWith('-') ? $"'{line}' is a pip option; list requirements only (this file is checked against the kernel, not installed)"
                : line.Contains("://", StringComparison.Ordinal) || line.Contains(" @ ", StringComparison.Ordinal) || line.StartsWith('.') || line.StartsWith('/')
                    ? $"'{line}' is a direct reference (URL or path); name a package and its versions instead"
                : NotebookRequirements.ShapeProblem(line);
            if (problem is not null) throw new NotebookFormatException(source, [new NotebookProblem($"{where}: {problem}", Field: where)]);
            requirements.Add(line);
        }

        return requirements;
    }

    /// <summary>Adds the file's requirements to the notebook's own; a package named in both is refused (one place decides its versions).</summary>
    /// <exception cref="NotebookFormatException">The notebook's own requirements are malformed, or a package is named twice.</exception>
    public static void Fold(Notebook notebook, IReadOnlyList<string> requirements, string source)
    {
        if (requirements.Count == 0) return;
        var own = NotebookRequirements.Of(notebook, source);
        if (notebook.Metadata["notebook_functions"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            notebook.Metadata["notebook_functions"] = metadata;
        }

        metadata["requirements"] = new JsonArray([.. own.Concat(requirements).Select(r => (JsonNode?)r)]);
        // Checked whole again: a package in the notebook and in the file is named twice.
        NotebookRequirements.Of(notebook, source);
    }

    /// <summary>pip's comment rule: '#' at the start of a line, or after whitespace.</summary>
    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }

        return line;
    }
}
