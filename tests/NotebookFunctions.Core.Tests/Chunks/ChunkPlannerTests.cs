using System.Text;
using NotebookFunctions.Core.Chunks;

namespace NotebookFunctions.Core.Tests.Chunks;

/// <summary>Planning over real blobs in Azurite.</summary>
public sealed class ChunkPlannerTests
{
    private static readonly ChunkPlanner Planner = new(Azurite.Service);

    [Fact]
    public async Task A_big_CSV_is_split_into_ranges_that_each_get_the_header()
    {
        var container = await Azurite.NewContainerAsync();
        var csv = "id,value\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i},{i * 3}\n"));
        await container.UploadAsync("in/sales.csv", csv);

        var chunks = await Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "in/", TargetChunkBytes = 8 * 1024 });

        Assert.InRange(chunks.Count, 5, 8);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
        Assert.All(chunks, c => Assert.Equal((9L, "sales.csv"), (c.HeaderLength, c.FileName)));
        Assert.Equal(9, chunks[0].Offset);
        Assert.Equal(Encoding.UTF8.GetByteCount(csv), chunks[^1].Offset + chunks[^1].Length);
        Assert.Single(chunks.Select(c => c.ETag).Distinct());
    }

    [Fact]
    public async Task Per_blob_mode_takes_every_blob_matching_the_glob_in_name_order()
    {
        var container = await Azurite.NewContainerAsync();
        foreach (var name in new[] { "day/2024-01-02.csv", "day/2024-01-01.csv", "day/notes.txt", "day/sub/2024-01-03.csv" })
            await container.UploadAsync(name, "x\n");

        var flat = await Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "day/", Glob = "*.csv", Mode = ChunkMode.PerBlob });
        var deep = await Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "day/", Glob = "**/*.csv", Mode = ChunkMode.PerBlob });

        Assert.Equal(["day/2024-01-01.csv", "day/2024-01-02.csv"], flat.Select(c => c.Blob));
        Assert.Equal(3, deep.Count);
        Assert.All(flat, c => Assert.Equal((0L, 2L, 0L), (c.Offset, c.Length, c.HeaderLength)));
    }

    [Fact]
    public async Task Bad_inputs_get_errors_naming_the_container_and_prefix()
    {
        var container = await Azurite.NewContainerAsync();
        await container.UploadAsync("data/big.jsonl", string.Concat(Enumerable.Range(0, 100).Select(i => $"{{\"i\": {i}}}\n")));
        await container.UploadAsync("data/image.png", "not lines");

        var none = await Assert.ThrowsAsync<ChunkPlanningException>(() => Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "nothing/" }));
        var missing = await Assert.ThrowsAsync<ChunkPlanningException>(() => Planner.PlanAsync(new InputSpec { Container = "no-such-container", Prefix = "x" }));
        var tooMany = await Assert.ThrowsAsync<ChunkPlanningException>(() => Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "data/big", TargetChunkBytes = 10, MaxChunks = 50 }));
        var binary = await Assert.ThrowsAsync<ChunkPlanningException>(() => Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "data/image" }));

        Assert.Contains($"no blobs under '{container.Name}/nothing/'", none.Message);
        Assert.Contains("the container 'no-such-container' does not exist", missing.Message);
        Assert.Contains("would make more than the cap of 50 chunks", tooMany.Message);
        Assert.Contains("use per-blob mode", binary.Message);
    }

    [Fact]
    public async Task A_JSONL_blob_is_split_without_a_header()
    {
        var container = await Azurite.NewContainerAsync();
        var lines = string.Concat(Enumerable.Range(0, 1000).Select(i => $"{{\"i\": {i}}}\n"));
        await container.UploadAsync("events.jsonl", lines);

        var chunks = await Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "events.jsonl", TargetChunkBytes = 2000 });

        Assert.All(chunks, c => Assert.Equal(0, c.HeaderLength));
        Assert.Equal(0, chunks[0].Offset);
        Assert.Equal(lines.Length, chunks.Sum(c => c.Length));
    }

    [Fact]
    public async Task An_empty_blob_still_makes_one_empty_chunk_so_the_notebook_runs_once()
    {
        var container = await Azurite.NewContainerAsync();
        await container.UploadAsync("empty.csv", string.Empty);
        await container.UploadAsync("header-only.csv", "a,b\n");

        var empty = await Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "empty.csv" });
        var headerOnly = await Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "header-only.csv" });

        Assert.Equal((0L, 0L), (Assert.Single(empty).Length, empty[0].HeaderLength));
        Assert.Equal((4L, 0L, 4L), (Assert.Single(headerOnly).Offset, headerOnly[0].Length, headerOnly[0].HeaderLength));
    }

    [Theory]
    [InlineData("*.csv", "a.csv", true)]
    [InlineData("*.csv", "sub/a.csv", false)]
    [InlineData("**/*.csv", "sub/deeper/a.csv", true)]
    [InlineData("**/*.csv", "a.csv", true)]
    [InlineData("day-?.csv", "day-1.csv", true)]
    [InlineData("day-?.csv", "day-10.csv", false)]
    public void Globs_match_like_shell_globs(string glob, string name, bool matches) =>
        Assert.Equal(matches, ChunkPlanner.GlobToRegex(glob).IsMatch(name));

    [Fact]
    public async Task Whole_mode_is_one_chunk_of_every_blob_downloaded_as_a_folder_at_the_versions_planned()
    {
        var container = await Azurite.NewContainerAsync();
        await container.UploadAsync("run/results/a.csv", "x\n1\n");
        await container.UploadAsync("run/results/deep/b.txt", "hello\n");
        await container.UploadAsync("run/results/scraps.json", "[]\n");
        await container.UploadAsync("other/results/c.csv", "y\n2\n");
        var folder = Directory.CreateTempSubdirectory("nbf-whole-").FullName;

        var whole = Assert.Single(await Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "run/results/", Mode = ChunkMode.Whole }));
        var results = Assert.Single(await Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "run/results/", Mode = ChunkMode.Whole, RunResults = true }));
        var gathered = Assert.Single(await Planner.PlanAsync(new InputSpec
        {
            Container = container.Name, Mode = ChunkMode.Whole, RunResults = true,
            Folders = [new InputFolder("run/results/", "first"), new InputFolder("other/results/", "second")],
        }));
        var empty = Assert.Single(await Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "none/", Mode = ChunkMode.Whole, AllowEmpty = true }));
        await Assert.ThrowsAsync<ChunkPlanningException>(() => Planner.PlanAsync(new InputSpec { Container = container.Name, Prefix = "none/", Mode = ChunkMode.Whole }));
        var path = await ChunkDownloader.DownloadAsync(Azurite.Service, gathered, folder, default);

        Assert.Equal(["a.csv", "deep/b.txt", "scraps.json"], whole.Blobs!.Select(b => b.Name));
        Assert.Equal(["a.csv", "deep/b.txt"], results.Blobs!.Select(b => b.Name));
        Assert.Equal(["first/a.csv", "first/deep/b.txt", "second/c.csv"], gathered.Blobs!.Select(b => b.Name));
        Assert.Equal(["run/results/a.csv", "run/results/deep/b.txt", "other/results/c.csv"], gathered.Sources.Select(s => s.Blob));
        Assert.Empty(empty.Blobs!);
        Assert.Equal(folder, path);
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(folder, "first", "deep", "b.txt")));
        Assert.Equal("y\n2\n", await File.ReadAllTextAsync(Path.Combine(folder, "second", "c.csv")));

        // A blob changed after planning is refused on download, as a range of one is.
        await container.UploadAsync("other/results/c.csv", "y\n3\n");
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => ChunkDownloader.DownloadAsync(Azurite.Service, gathered, Directory.CreateTempSubdirectory("nbf-whole-").FullName, default));
    }
}
