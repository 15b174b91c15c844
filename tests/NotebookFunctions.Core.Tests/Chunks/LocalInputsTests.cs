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
}
