using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Cli;

/// <summary>
/// Where a notebook file stands in git, asked of the git executable itself (no library re-implementing its rules):
/// the repository root, and the source a published version records (HEAD, the file's path in the repository,
/// and whether the file differs from HEAD).
/// </summary>
public sealed record GitProvenance(string RepositoryRoot, NotebookSource Source)
{
    /// <summary>The provenance of a notebook file, or null when git is not installed, the file is not in a work tree, or the repository has no commit yet.</summary>
    /// <exception cref="NotebookSourceException">The repository-relative path cannot be recorded (over 1024 characters, or a control character in it).</exception>
    public static async Task<GitProvenance?> FindAsync(string notebookPath, CancellationToken cancellationToken = default)
    {
        var file = Path.GetFullPath(notebookPath);
        var folder = Path.GetDirectoryName(file);
        if (folder is null || !File.Exists(file)) return null;
        var name = Path.GetFileName(file);

        // Asked from the file's own folder, so a nested repository or submodule answers for its files, and the
        // prefix comes from git rather than from comparing paths that symlinks may spell differently.
        var root = await GitAsync(folder, cancellationToken, "rev-parse", "--show-toplevel");
        var prefix = root is null ? null : await GitAsync(folder, cancellationToken, "rev-parse", "--show-prefix");
        var commit = prefix is null ? null : await GitAsync(folder, cancellationToken, "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
        if (root is null || prefix is null || commit is null) return null;

        // Any line means the file is not exactly HEAD's: modified, staged, untracked, or ignored (so never in HEAD).
        var status = await GitAsync(folder, cancellationToken, "--literal-pathspecs", "status", "--porcelain", "--ignored", "--untracked-files=all", "--", name);
        if (status is null) return null;
        return new GitProvenance(root, new NotebookSource(commit, prefix + name, dirty: status.Length > 0));
    }

    /// <summary>What git printed (its last newline removed), or null when it failed or is not installed.</summary>
    private static async Task<string?> GitAsync(string folder, CancellationToken cancellationToken, params string[] arguments)
    {
        var info = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(folder);
        // Paths printed as they are (not quoted and octal-escaped), whatever the user's configuration says.
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("core.quotePath=false");
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // git status would otherwise refresh the index and take its lock, failing a git command the user runs meanwhile.
        info.Environment["GIT_OPTIONAL_LOCKS"] = "0";

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception)
        {
            return null;
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout;
            await stderr;
            return process.ExitCode == 0 ? output.TrimEnd('\n') : null;
        }
    }
}
