using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Core.Notebooks;

/// <summary>An nbformat 4 notebook: typed cells over the original JSON, so nothing unknown is lost on write.</summary>
public sealed class Notebook
{
    private readonly JsonObject _root;

    internal Notebook(JsonObject root, List<Cell> cells)
    {
        _root = root;
        Cells = cells;
    }

    /// <summary>Cells in order; insert and remove freely, they are laid back into the JSON on write.</summary>
    public List<Cell> Cells { get; }

    public int FormatMinor => JsonNumbers.AsInt(_root["nbformat_minor"]) ?? 0;

    public JsonObject Metadata => _root.ObjectAt("metadata");

    /// <summary>Kernel name from metadata.kernelspec.name, if the notebook names one.</summary>
    public string? KernelName => Metadata["kernelspec"]?["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>Language from metadata.kernelspec.language or language_info.name.</summary>
    public string? Language =>
        (Metadata["kernelspec"]?["language"] as JsonValue)?.GetValue<string>()
        ?? (Metadata["language_info"]?["name"] as JsonValue)?.GetValue<string>();

    /// <summary>Cell ids are required from nbformat 4.5 on; new cells get one only then.</summary>
    public bool UsesCellIds => FormatMinor >= 5;

    /// <summary>A fresh cell id in nbformat's style (8 hex digits), unique within this notebook.</summary>
    public string? NewCellId()
    {
        if (!UsesCellIds) return null;
        var taken = Cells.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            if (!taken.Contains(id)) return id;
        }
    }

    /// <summary>The JSON with the current cells laid in; the returned object is this notebook's own, not a copy.</summary>
    public JsonObject ToJson()
    {
        var array = _root.ArrayAt("cells");
        array.Clear();
        foreach (var cell in Cells)
        {
            cell.Json.Parent?.AsArray().Remove(cell.Json);
            array.Add(cell.Json);
        }

        return _root;
    }

    /// <summary>nbformat's on-disk text: one-space indent, sorted keys, trailing newline.</summary>
    public string ToText() => CanonicalJsonWriter.Write(ToJson()) + "\n";

    /// <summary>A deep copy, so a run never alters the caller's notebook.</summary>
    public Notebook Clone() => NotebookReader.FromJson((JsonObject)ToJson().DeepClone(), "(copy)");

    /// <summary>SHA-256 of the UTF-8 bytes, lowercase hex: the notebook's content version.</summary>
    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>SHA-256 of the notebook as it would be saved.</summary>
    public string ContentSha256() => Sha256(Encoding.UTF8.GetBytes(ToText()));
}
