using System.Diagnostics;

namespace NotebookFunctions.Cli.Tests;

/// <summary>A fresh git repository in a temporary folder, driven by the real git, independent of the user's git configuration.</summary>
internal sealed class TemporaryGitRepository
{
    private TemporaryGitRepository(string root) => Root = root;

    public string Root { get; }

    public static async Task<TemporaryGitRepository> InitAsync(string objectFormat = "sha1")
    {
        var repository = new TemporaryGitRepository(Directory.CreateTempSubdirectory("nbf-git-").FullName);
        await repository.GitAsync("init", "--quiet", $"--object-format={objectFormat}");
        return repository;
    }

    /// <summary>Writes a file (creating its folders) at a path relative to the root; returns its full path.</summary>
    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public async Task<string> CommitAllAsync(string message)
    {
        await GitAsync("add", "--all");
        await GitAsync("commit", "--quiet", "-m", message);
        return await GitAsync("rev-parse", "HEAD");
    }

    /// <summary>Runs git in the repository; a failure fails the test with what git said.</summary>
    public async Task<string> GitAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        // Identity and signing from the command line: the test must not depend on (or be broken by) the machine's git config.
        foreach (var setting in new[] { "user.name=nbf tests", "user.email=tests@example.invalid", "commit.gpgsign=false", "init.defaultBranch=main" })
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(setting);
        }

        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        return (await stdout).Trim();
    }
}
