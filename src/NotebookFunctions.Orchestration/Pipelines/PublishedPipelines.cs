using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Orchestration.Pipelines;

/// <summary>Loads a published pipeline version (the latest when none is named), refusing a bad name, an unknown pipeline or version by field.</summary>
public static class PublishedPipelines
{
    public static async Task<(PublishedNotebook Version, JsonObject Definition)> LoadAsync(BlobServiceClient blobs, string name, string? version, CancellationToken cancellationToken)
    {
        if (NotebookStore.NameProblem(name) is { } problem) throw RunRefusalException.Invalid(problem.Replace("notebook name", "pipeline name", StringComparison.Ordinal), "pipeline");
        if (version is not null && NotebookStore.VersionProblem(version) is { } versionProblem) throw RunRefusalException.Invalid(versionProblem, "version");
        var store = NotebookStore.Pipelines(blobs);
        var latest = await store.LatestAsync(name, cancellationToken) ?? throw RunRefusalException.NotFound($"no pipeline named '{name}' has been published", "pipeline");
        var published = version is null ? latest : await store.GetVersionAsync(name, version, cancellationToken)
            ?? throw RunRefusalException.NotFound($"pipeline '{name}' has no version '{version}'", "version");
        var bytes = await store.GetAsync(name, published.Version, cancellationToken)
            ?? throw RunRefusalException.NotFound($"pipeline '{name}' has no version '{published.Version}'", "version");
        return (published, (JsonObject)JsonNode.Parse(bytes)!);
    }
}
