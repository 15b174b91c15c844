using NotebookFunctions.Core.Chunks;

namespace NotebookFunctions.Core.Tests.Chunks;

/// <summary>Local inputs planned in place: the files a folder gives, their identities, and a file changed after planning.</summary>
public sealed class LocalInputsTests
{
    [Fact]
    public async Task A_folder_is_planned_per_file_in_name_order_leaving_out_hidden_files_links_and_what_the_glob_does_not_take()
    {
        var root = Directory.CreateTempSubdirectory("nbf-local-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "b"));
        await File.WriteAllTextAsync(Path.Combine(root, "b", "2.csv"), "x\n2\n");
        await File.WriteAllTextAsync(Path.Combine(root, "a.csv"), "x\n1\n");
        await File.WriteAllTextAsync(Path.Combine(root, ".hidden.csv"), "x\n9\n");
        await File.WriteAllTextAsync(Path.Combine(root, "notes.txt"), "not data\n");
        File.CreateSymbolicLink(Path.Combine(root, "link.csv"), "/etc/passwd");

        var plan = await LocalInputs.PlanAsync(new InputSpec { Container = LocalInputs.Container, LocalPath = root, Glob = "**/*.csv", Mode = ChunkMode.PerBlob }, CancellationToken.None);

        Assert.Equal(["a.csv", "b/2.csv"], plan.Select(c => c.Blob));
        Assert.All(plan, c => Assert.Equal(root, c.LocalRoot));
        Assert.Equal(LocalInputs.Identity(new FileInfo(Path.Combine(root, "a.csv"))), plan[0].ETag);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_split_chunk_is_copied_with_its_header_and_refused_once_its_file_changed()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-local-").FullName;
        var file = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(file, "id\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i}\n")));
        var plan = await LocalInputs.PlanAsync(new InputSpec { Container = LocalInputs.Container, LocalPath = file, TargetChunkBytes = 100 }, CancellationToken.None);
        var target = Directory.CreateTempSubdirectory("nbf-local-out-").FullName;

        var (path, sha) = await LocalInputs.CopyAsync(plan[1], target, CancellationToken.None);
        await File.AppendAllTextAsync(file, "100\n");
        var changed = await Assert.ThrowsAsync<ChunkPlanningException>(() => LocalInputs.CopyAsync(plan[1], target, CancellationToken.None));
        var notCsv = await Assert.ThrowsAsync<ChunkPlanningException>(() => LocalInputs.PlanAsync(new InputSpec { Container = LocalInputs.Container, LocalPath = folder, Glob = "*.bin" }, CancellationToken.None));

        Assert.True(plan.Count > 2);
        var text = await File.ReadAllTextAsync(path);
        Assert.StartsWith("id\n", text, StringComparison.Ordinal);
        Assert.Equal(64, sha.Length);
        Assert.Contains($"local input file {file} changed since the run was planned", changed.Message, StringComparison.Ordinal);
        Assert.Contains("no files under", notCsv.Message, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
        Directory.Delete(target, recursive: true);
    }
    [Fact]
    public async Task A_link_given_as_the_input_is_planned_as_its_whole_target_file()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-local-").FullName;
        var file = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(file, "id\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i}\n")));
        var link = Path.Combine(folder, "link.csv");
        File.CreateSymbolicLink(link, "data.csv");

        // Before: planned by the link's own size (8 bytes, its target's name), read from the target: 8 bytes of data.
        var plan = await LocalInputs.PlanAsync(new InputSpec { Container = LocalInputs.Container, LocalPath = link, Mode = ChunkMode.PerBlob }, CancellationToken.None);

        var chunk = Assert.Single(plan);
        Assert.Equal(new FileInfo(file).Length, chunk.Length);
        Assert.Equal(LocalInputs.Identity(new FileInfo(file)), chunk.ETag);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_fifo_a_device_and_a_link_loop_are_refused_before_anything_is_planned()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-local-").FullName;
        var fifo = Path.Combine(folder, "stream.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var loop = Path.Combine(folder, "loop.csv");
        File.CreateSymbolicLink(loop, "loop.csv");

        Assert.Contains("is not a regular file or folder", LocalInputs.Problem(fifo), StringComparison.Ordinal);
        Assert.Contains("is not a regular file or folder", LocalInputs.Problem("/dev/zero"), StringComparison.Ordinal);
        Assert.Contains("does not resolve to a file or folder", LocalInputs.Problem(loop), StringComparison.Ordinal);
        var member = Assert.Throws<ChunkPlanningException>(() => LocalInputs.List(new InputSpec { Container = LocalInputs.Container, LocalPath = folder }));
        Assert.Contains("'stream.csv' under the local input", member.Message, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_file_edited_with_its_time_put_back_or_replaced_by_one_of_the_same_size_and_time_is_a_changed_file()
    {
        var folder = Directory.CreateTempSubdirectory("nbf-local-").FullName;
        var file = Path.Combine(folder, "data.csv");
        await File.WriteAllTextAsync(file, "id\n1\n2\n");
        var planned = LocalInputs.Identity(new FileInfo(file));
        var modified = File.GetLastWriteTimeUtc(file);

        // Same size, same modification time, one byte different: touch -r, rsync -t and archive tools leave exactly this.
        await Task.Delay(20);
        await File.WriteAllTextAsync(file, "id\n1\n3\n");
        File.SetLastWriteTimeUtc(file, modified);
        var edited = Assert.Throws<ChunkPlanningException>(() => LocalInputs.Unchanged(folder, "data.csv", planned));

        // Another file of the same size and time moved over it.
        var before = LocalInputs.Identity(new FileInfo(file));
        var other = Path.Combine(folder, "other.csv");
        await File.WriteAllTextAsync(other, "id\n1\n4\n");
        File.SetLastWriteTimeUtc(other, modified);
        File.Move(other, file, overwrite: true);
        var replaced = Assert.Throws<ChunkPlanningException>(() => LocalInputs.Unchanged(folder, "data.csv", before));

        Assert.Contains("written to since, though its size and modification time are as before", edited.Message, StringComparison.Ordinal);
        Assert.Contains("another file now has its name", replaced.Message, StringComparison.Ordinal);
        // A plan recorded before identities named the inode (size:modified) is still compared by those two.
        Assert.Equal(new FileInfo(file), LocalInputs.Unchanged(folder, "data.csv", string.Join(':', before.Split(':').Take(2))), new FileInfoByPath());
        Directory.Delete(folder, recursive: true);
    }

    private sealed class FileInfoByPath : IEqualityComparer<FileInfo>
    {
        public bool Equals(FileInfo? x, FileInfo? y) => x?.FullName == y?.FullName;

        public int GetHashCode(FileInfo obj) => obj.FullName.GetHashCode(StringComparison.Ordinal);
    }
}
