using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Execution;

/// <summary>One package that differs: added (no <paramref name="Before"/>), removed (no <paramref name="After"/>), or another version.</summary>
/// <param name="Name">As the environment that has it names it.</param>
/// <param name="Before">Its version in the first environment.</param>
/// <param name="After">Its version in the second.</param>
public sealed record PackageChange(string Name, string? Before, string? After)
{
    public string Summary => Before is null ? $"+ {Name}=={After}" : After is null ? $"- {Name}=={Before}" : $"~ {Name} {Before} -> {After}";
}

/// <summary>What differs between two captured kernel environments (a run's manifest records its own).</summary>
public sealed record EnvironmentDifference(string? PythonBefore, string? PythonAfter, IReadOnlyList<PackageChange> Packages)
{
    public bool Same => PythonBefore == PythonAfter && Packages.Count == 0;
}

/// <summary>
/// Compares two environments as <see cref="ExecutionOptions.CaptureEnvironment"/> records them ({version, packages:
/// ["Name==1.2"]}): packages matched by their PEP 503 normalised name, so a renamed capitalisation is no change.
/// </summary>
public static class EnvironmentDiff
{
    public static EnvironmentDifference Compare(JsonObject before, JsonObject after)
    {
        var a = Packages(before);
        var b = Packages(after);
        var changes = new List<PackageChange>();
        foreach (var key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            var (x, y) = (a.GetValueOrDefault(key), b.GetValueOrDefault(key));
            if (x.Version == y.Version) continue;
            changes.Add(new PackageChange(y.Name ?? x.Name!, x.Version, y.Version));
        }

        return new EnvironmentDifference(Text(before["version"]), Text(after["version"]), changes);
    }

    private static Dictionary<string, (string? Name, string? Version)> Packages(JsonObject environment)
    {
        var packages = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        if (environment["packages"] is not JsonArray list) return packages;
        foreach (var entry in list.Select(Text).OfType<string>())
        {
            var at = entry.IndexOf("==", StringComparison.Ordinal);
            var (name, version) = at < 0 ? (entry, string.Empty) : (entry[..at], entry[(at + 2)..]);
            packages.TryAdd(NotebookRequirements.Canonical(name), (name, version));
        }

        return packages;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
