using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NotebookFunctions.Deployment.Tests;

/// <summary>DESIGN.md's layout rules, checked on the sources: dependencies point one way, and Core's folders form no cycle.</summary>
public sealed partial class LayoutTests
{
    private static readonly string[] CoreFolders = ["Notebooks", "Parameters", "Kernels", "Execution", "Chunks", "Storage", "Secrets", "Telemetry"];

    [Fact]
    public void No_folder_of_Core_depends_on_another_in_a_cycle()
    {
        var edges = CoreFolders.ToDictionary(f => f, DependenciesOf);
        foreach (var from in CoreFolders)
        {
            foreach (var to in edges[from])
            {
                var path = PathBetween(edges, to, from);
                Assert.True(path is null, $"Core/{from} uses Core/{to}, and Core/{to} reaches back to Core/{from} through {string.Join(" -> ", path ?? [])}");
            }
        }
    }

    [Fact]
    public void Projects_reference_only_the_layers_below_them()
    {
        string[] order = ["NotebookFunctions.Core", "NotebookFunctions.Orchestration", "NotebookFunctions.Api", "NotebookFunctions.FunctionApp|NotebookFunctions.Cli"];
        int Layer(string project) => Array.FindIndex(order, l => l.Split('|').Contains(project));
        foreach (var project in order.SelectMany(l => l.Split('|')))
        {
            var csproj = XDocument.Load(Repository.PathOf($"src/{project}/{project}.csproj"));
            foreach (var reference in csproj.Descendants("ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/'))))
                Assert.True(Layer(reference) < Layer(project), $"{project} references {reference}, which is not a layer below it");
        }
    }

    /// <summary>Core folders a folder's files name: by using directive, by full name, or by a name relative to Core.</summary>
    private static HashSet<string> DependenciesOf(string folder)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Repository.PathOf($"src/NotebookFunctions.Core/{folder}"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in CoreReference().Matches(File.ReadAllText(file)))
            {
                var target = match.Groups["folder"].Value;
                if (target != folder && CoreFolders.Contains(target)) found.Add(target);
            }
        }

        return found;
    }

    private static List<string>? PathBetween(Dictionary<string, HashSet<string>> edges, string from, string to)
    {
        var queue = new Queue<List<string>>([[from]]);
        var seen = new HashSet<string> { from };
        while (queue.TryDequeue(out var path))
        {
            if (path[^1] == to) return path;
            foreach (var next in edges[path[^1]].Where(seen.Add)) queue.Enqueue([.. path, next]);
        }

        return null;
    }

    [GeneratedRegex(@"(?:NotebookFunctions\.)?Core\.(?<folder>[A-Z][A-Za-z]+)\b|(?<![\w.])(?<folder>Notebooks|Parameters|Kernels|Execution|Chunks|Storage|Secrets|Telemetry)\.[A-Z]")]
    private static partial Regex CoreReference();
}
