using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Runs;
using YamlDotNet.Core;

namespace NotebookFunctions.Cli;

/// <summary>A pipeline definition file (*.pipeline.yaml, *.pipeline.yml or *.pipeline.json) as nbf reads it.</summary>
internal static class PipelineFile
{
    private static readonly string[] Suffixes = [".pipeline.yaml", ".pipeline.yml", ".pipeline.json"];

    public static bool IsPipeline(string path) => Suffixes.Any(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>The name it is published under: the file's name without its suffix ("sales-report.pipeline.yaml" is "sales-report").</summary>
    public static string NameFromPath(string path)
    {
        var file = Path.GetFileName(path);
        var suffix = Suffixes.First(s => file.EndsWith(s, StringComparison.OrdinalIgnoreCase));
        return NotebookStore.NameFromPath(file[..^suffix.Length] + ".x");
    }

    /// <summary>The definition as JSON; a file that cannot be read or parsed is refused naming it and where it broke.</summary>
    public static JsonObject Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RunRefusalException.Invalid($"{path}: cannot read it: {e.Message}", "pipeline");
        }

        try
        {
            var node = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? JsonNode.Parse(text) : ParameterFile.ParseYaml(text);
            return node as JsonObject ?? throw RunRefusalException.Invalid($"{path}: a pipeline is a mapping with 'parameters' and 'steps'", "pipeline");
        }
        catch (Exception e) when (e is JsonException or YamlException or ArgumentException)
        {
            throw RunRefusalException.Invalid($"{path}: not valid {(path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "JSON" : "YAML")}: {e.Message}", "pipeline");
        }
    }

    /// <summary>
    /// Publishes the notebook files the pipeline names (steps.*.notebook and steps.*.reduce.notebook ending in .ipynb,
    /// relative to the pipeline file) and puts the published name and version in their place: the pipeline's version then
    /// pins the exact notebooks it runs.
    /// </summary>
    public static async Task PublishNotebookFilesAsync(JsonObject definition, string path, Func<string, Task<(string Name, string? Version)>> publish)
    {
        if (definition["steps"] is not JsonObject steps) return;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var (name, node) in steps)
        {
            if (node is not JsonObject step) continue;
            foreach (var owner in new[] { step, step["reduce"] as JsonObject })
            {
                if (owner?["notebook"] is not JsonValue value || value.GetValueKind() != JsonValueKind.String) continue;
                var reference = value.GetValue<string>();
                if (!reference.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)) continue;
                var file = Path.Combine(folder, reference);
                if (!File.Exists(file))
                    throw RunRefusalException.Invalid($"{path}: step '{name}' names notebook file '{reference}', which is not beside the pipeline ({file})", $"steps.{name}.notebook");
                if (Commands.ScanCommand.Refuse(file, "nbf")) throw RunRefusalException.Invalid($"{file} holds a hardcoded credential and is not published", $"steps.{name}.notebook");
                var (published, version) = await publish(file);
                owner["notebook"] = published;
                owner["version"] = version;
            }
        }
    }
}
