using System.Diagnostics;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Core.Tests.Storage;

/// <summary>Chunk folders left by a killed host are swept at the next start; those of live hosts are not.</summary>
public sealed class ChunkWorkFoldersTests
{
    [Fact]
    public async Task A_sweep_removes_the_folders_of_dead_processes_and_keeps_those_of_live_ones()
    {
        var root = Directory.CreateTempSubdirectory("nbf-sweep-").FullName;
        using var dead = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await dead.WaitForExitAsync();
        using var live = Process.Start(new ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false })!;
        try
        {
            var ofDead = Make(root, $"nbf-chunk-p{dead.Id}-3-abc", "input slice");
            var ofLive = Make(root, $"nbf-chunk-p{live.Id}-1-def", "input slice");
            var ofThisProcess = Make(root, $"nbf-chunk-p{Environment.ProcessId}-0-ghi", "input slice");
            var oldUnnamed = Make(root, "nbf-chunk-7-jkl", "input slice");
            Directory.SetLastWriteTimeUtc(oldUnnamed, DateTime.UtcNow.AddHours(-2));
            var recentUnnamed = Make(root, "nbf-chunk-8-mno", "input slice");
            var other = Make(root, "something-else", "kept");
            var oddName = Make(root, "nbf-chunk-p", "no pid in the name");

            var removed = ChunkWorkFolders.SweepAbandoned(root);

            Assert.Equal(2, removed);
            Assert.False(Directory.Exists(ofDead));
            Assert.False(Directory.Exists(oldUnnamed));
            Assert.All([ofLive, ofThisProcess, recentUnnamed, other, oddName], folder => Assert.True(Directory.Exists(folder), folder));
        }
        finally
        {
            live.Kill();
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Make(string root, string name, string content)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, name, "input")).Parent!.FullName;
        File.WriteAllText(Path.Combine(folder, "input", "slice.csv"), content);
        return folder;
    }
}
