using System.Text;
using Azure;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Core.Tests.Storage;

/// <summary>The blob-backed stores and chunk downloads, against a real Azurite.</summary>
public sealed class StoreTests
{
    [Fact]
    public async Task Publishing_is_content_addressed_and_idempotent()
    {
        var store = new NotebookStore(Azurite.Service);
        await store.EnsureCreatedAsync();
        var name = $"nb-{Guid.NewGuid():N}";
        var v1 = Encoding.UTF8.GetBytes(TestNotebooks.Of("print(1)").ToText());
        var v2 = Encoding.UTF8.GetBytes(TestNotebooks.Of("print(2)").ToText());

        var first = await store.PublishAsync(name, v1);
        var again = await store.PublishAsync(name, v1);
        var second = await store.PublishAsync(name, v2);

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Version, again.Version);
        Assert.Equal(Notebook.Sha256(v1), first.Version);
        Assert.Equal(v1, await store.GetAsync(name, first.Version));
        Assert.Null(await store.GetAsync(name, new string('0', 64)));
        Assert.Equal([first.Version, second.Version], (await store.ListVersionsAsync(name)).Select(v => v.Version));
    }

    [Fact]
    public async Task A_version_keeps_the_source_it_was_first_published_from()
    {
        var store = new NotebookStore(Azurite.Service);
        await store.EnsureCreatedAsync();
        var name = $"nb-{Guid.NewGuid():N}";
        var bytes = Encoding.UTF8.GetBytes(TestNotebooks.Of("print('provenance')").ToText());
        var unsourced = Encoding.UTF8.GetBytes(TestNotebooks.Of("print('no provenance')").ToText());
        var first = new NotebookSource(new string('a', 40), "notebooks/ventes é/sales 2026.ipynb", dirty: false);
        var later = new NotebookSource(new string('b', 64), "elsewhere/sales.ipynb", dirty: true);

        var published = await store.PublishAsync(name, bytes, first);
        var republished = await store.PublishAsync(name, bytes, later);
        var withoutSource = await store.PublishAsync(name, unsourced);

        Assert.Equal(first, published.Source);
        Assert.False(republished.Created);
        Assert.Equal(first, republished.Source);
        Assert.Null(withoutSource.Source);
        Assert.Equal(first, (await store.GetVersionAsync(name, published.Version))!.Source);
        Assert.Equal(bytes.Length, (await store.GetVersionAsync(name, published.Version))!.Size);
        Assert.Null(await store.GetVersionAsync(name, new string('0', 64)));
        Assert.Null(await store.GetVersionAsync(name, "../other/" + published.Version));
        var listed = await store.ListVersionsAsync(name);
        Assert.Equal(first, listed.Single(v => v.Version == published.Version).Source);
        Assert.Null(listed.Single(v => v.Version == withoutSource.Version).Source);
        Assert.Equal(first, (await store.ListAllAsync())[name].Single(v => v.Version == published.Version).Source);
        var single = $"nb-{Guid.NewGuid():N}";
        await store.PublishAsync(single, bytes, later);
        Assert.Equal(later, (await store.LatestAsync(single))!.Source);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("-leading")]
    public void Bad_notebook_names_are_refused(string name) =>
        Assert.Contains("must be 1 to 100 letters", Assert.Throws<ArgumentException>(() => NotebookStore.ValidateName(name)).Message);

    [Fact]
    public async Task A_split_chunk_downloads_with_its_header_and_only_its_range()
    {
        var container = await Azurite.NewContainerAsync();
        await container.UploadAsync("sales.csv", "id,v\n1,a\n2,b\n3,c\n");
        var chunks = await new ChunkPlanner(Azurite.Service).PlanAsync(new InputSpec { Container = container.Name, Prefix = "sales.csv", TargetChunkBytes = 4 });
        var dir = Directory.CreateTempSubdirectory("nbf-chunk-").FullName;

        var path = await ChunkDownloader.DownloadAsync(Azurite.Service, chunks[1], dir, default);

        Assert.Equal(3, chunks.Count);
        Assert.Equal(Path.Combine(dir, "sales.csv"), path);
        Assert.Equal("id,v\n2,b\n", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_blob_changed_after_planning_is_not_read_silently()
    {
        var container = await Azurite.NewContainerAsync();
        await container.UploadAsync("data.jsonl", "{\"a\": 1}\n");
        var chunk = (await new ChunkPlanner(Azurite.Service).PlanAsync(new InputSpec { Container = container.Name, Prefix = "data.jsonl" })).Single();
        await container.UploadAsync("data.jsonl", "{\"a\": 2}\n");

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => ChunkDownloader.DownloadAsync(Azurite.Service, chunk, Path.GetTempPath(), default));

        Assert.Equal(412, e.Status);
    }

    [Fact]
    public async Task Run_files_are_uploaded_listed_and_cleared_by_prefix()
    {
        var store = new RunStore(Azurite.Service);
        await store.EnsureCreatedAsync();
        var run = $"run-{Guid.NewGuid():N}";
        var dir = Directory.CreateTempSubdirectory("nbf-files-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        await File.WriteAllTextAsync(Path.Combine(dir, "b.csv"), "x\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "sub", "a.txt"), "y");

        var uploaded = await store.UploadDirectoryAsync(StorageLayout.ChunkFilesPrefix(run, 0), dir);
        var listed = await store.ListAsync($"{run}/");
        await store.DeletePrefixAsync(StorageLayout.ChunkPrefix(run, 0));

        Assert.Equal(["b.csv", "sub/a.txt"], uploaded);
        Assert.Equal([$"{run}/chunks/0/files/b.csv", $"{run}/chunks/0/files/sub/a.txt"], listed);
        Assert.Empty(await store.ListAsync($"{run}/"));
        Assert.Null(await store.DownloadTextAsync($"{run}/missing.json"));
    }
}
