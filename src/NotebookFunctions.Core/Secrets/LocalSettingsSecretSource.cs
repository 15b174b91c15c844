using System.Text.Json;

namespace NotebookFunctions.Core.Secrets;

/// <summary>
/// Secrets from a local.settings.json's "Values" (the Functions Core Tools file, never committed), for local
/// development without a vault. Read on each lookup, so an edited file counts without a restart.
/// </summary>
public sealed class LocalSettingsSecretSource(string path) : ISecretSource
{
    public string Path { get; } = path;

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path)) return null;
        await using var stream = File.OpenRead(Path);
        using var json = await JsonDocument.ParseAsync(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }, cancellationToken);
        return json.RootElement.TryGetProperty("Values", out var values) && values.ValueKind == JsonValueKind.Object
            && values.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }
}
