using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>
/// The packages a notebook needs, as PEP 508 requirements with PEP 440 specifiers ("pandas>=2,&lt;3", "numpy~=2.1"), in
/// <c>metadata.notebook_functions.requirements</c>. Their shape is checked here, so a typo is refused naming its entry;
/// whether the kernel's environment satisfies them is decided by the kernel's own Python (<c>packaging</c>), which knows
/// PEP 440's every rule.
/// </summary>
public static partial class NotebookRequirements
{
    public const string MetadataPath = "metadata.notebook_functions.requirements";

    private const int MaxEntries = 200;

    /// <summary>The requirements, in order; empty when the notebook declares none.</summary>
    /// <exception cref="NotebookFormatException">The member is not a list of requirement strings, naming the entry.</exception>
    public static IReadOnlyList<string> Of(Notebook notebook, string source)
    {
        if (notebook.Metadata["notebook_functions"] is not JsonObject own || own["requirements"] is not { } node) return [];
        if (node is not JsonArray list) throw Problem(source, MetadataPath, "must be a list of requirements, such as [\"pandas>=2,<3\", \"numpy~=2.1\"]");
        if (list.Count > MaxEntries) throw Problem(source, MetadataPath, $"lists {list.Count} requirements; at most {MaxEntries}");
        var requirements = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            var field = $"{MetadataPath}[{i}]";
            if (list[i] is not JsonValue value || value.GetValueKind() != JsonValueKind.String) throw Problem(source, field, "must be a requirement string");
            var text = value.GetValue<string>().Trim();
            if (ShapeProblem(text) is { } problem) throw Problem(source, field, problem);
            requirements.Add(text);
        }

        var twice = requirements.GroupBy(r => Canonical(NameOf(r))).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw Problem(source, MetadataPath, $"'{twice.Key}' is required twice ({string.Join(", ", twice)}): join the specifiers in one entry");
        return requirements;
    }

    /// <summary>Why a text is not a requirement; null when it is one.</summary>
    public static string? ShapeProblem(string text) =>
        text.Length is > 0 and <= 200 && Shape().IsMatch(text) ? null
            : $"'{text}' is not a requirement: a package name, optionally [extras], then specifiers such as >=2.0,<3 (PEP 440)";

    /// <summary>The package name a requirement names.</summary>
    public static string NameOf(string requirement) => Name().Match(requirement).Value;

    /// <summary>PEP 503's normalised name: case and runs of '-', '_', '.' do not matter.</summary>
    public static string Canonical(string name) => Separators().Replace(name, "-").ToLowerInvariant();

    private static NotebookFormatException Problem(string source, string field, string message) => new(source, [new NotebookProblem(message, Field: field)]);

    [GeneratedRegex(@"\A[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\s*\[[A-Za-z0-9._,\s-]*\])?\s*(?:(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+(?:\s*,\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+)*)?\s*(?:;[^\r\n]*)?\z")]
    private static partial Regex Shape();

    [GeneratedRegex(@"\A[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")]
    private static partial Regex Name();

    [GeneratedRegex(@"[-_.]+")]
    private static partial Regex Separators();
}
