using Azure.Storage.Blobs;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Storage;

/// <summary>Loads a published notebook version as a notebook, failing with its name and version when it does not exist.</summary>
public static class PublishedNotebooks
{
    public static async Task<Notebook> LoadAsync(BlobServiceClient blobs, string name, string version, CancellationToken cancellationToken = default)
    {
        var bytes = await new NotebookStore(blobs).GetAsync(name, version, cancellationToken)
            ?? throw new InvalidOperationException($"notebook '{name}' has no published version '{version}'");
        return NotebookReader.Parse(System.Text.Encoding.UTF8.GetString(bytes), $"{name}@{version}");
    }
}
