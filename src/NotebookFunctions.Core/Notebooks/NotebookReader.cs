using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>Reads nbformat 4 notebooks; every failure is a <see cref="NotebookFormatException"/> naming where.</summary>
public static class NotebookReader
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = false, MaxDepth = 256 };

    /// <summary>Reads a notebook file.</summary>
    public static Notebook Read(string path)
    {
        if (string.IsNullOrEmpty(path)) throw new NotebookFormatException("''", [new("the notebook's path is empty")]);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException(path, [new($"cannot read the file: {e.Message}")]);
        }

        return Parse(text, path);
    }

    /// <summary>Parses notebook text; <paramref name="source"/> names it in errors.</summary>
    public static Notebook Parse(string text, string source)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, NodeOptions, DocumentOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {e.BytePositionInLine + 1}" : string.Empty;
            throw new NotebookFormatException(source, [new($"not valid JSON{where}: {FirstSentence(e.Message)}")]);
        }

        if (node is not JsonObject root)
            throw new NotebookFormatException(source, [new("a notebook must be a JSON object")]);
        return FromJson(root, source);
    }

    /// <summary>Wraps already-parsed JSON after validating it.</summary>
    public static Notebook FromJson(JsonObject root, string source)
    {
        var problems = NotebookValidator.ValidateTopLevel(root);
        if (problems.Count > 0) throw new NotebookFormatException(source, problems);
        var cellsArray = (JsonArray)root["cells"]!;
        var minor = JsonNumbers.AsInt(root["nbformat_minor"]) ?? 0;
        problems = NotebookValidator.ValidateCells(cellsArray, minor);
        if (problems.Count > 0) throw new NotebookFormatException(source, problems);
        var cells = cellsArray.Select(c => new Cell((JsonObject)c!)).ToList();
        return new Notebook(root, cells);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
