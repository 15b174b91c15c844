using Azure;
using Azure.Storage.Blobs.Specialized;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Core.Tests.Storage;

/// <summary>A merged result is seen whole or not at all, however many blocks it takes and however its writing ends.</summary>
public sealed class WholeBlobWriterTests
{
    [Fact]
    public async Task Nothing_is_visible_until_the_commit_and_a_writer_that_never_commits_leaves_the_blob_as_it_was()
    {
        var container = await Azurite.NewContainerAsync();
        var blob = container.GetBlockBlobClient("results/merged.csv");
        var content = string.Concat(Enumerable.Range(0, 500).Select(i => $"{i},row\n"));
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);

        await using (var writer = new WholeBlobWriter(blob, blockBytes: 1024))
        {
            await writer.WriteAsync(bytes.AsMemory(0, 3000));
            Assert.Equal(404, (await Assert.ThrowsAsync<RequestFailedException>(() => blob.GetPropertiesAsync())).Status);
            writer.WriteByte(bytes[3000]);
            await writer.WriteAsync(bytes.AsMemory(3001));
            await writer.CommitAsync();
        }

        Assert.Equal(content, (await blob.DownloadContentAsync()).Value.Content.ToString());

        await using (var failed = new WholeBlobWriter(blob, blockBytes: 1024))
        {
            await failed.WriteAsync(new byte[5000]);
        }

        Assert.Equal(content, (await blob.DownloadContentAsync()).Value.Content.ToString());
    }
}
