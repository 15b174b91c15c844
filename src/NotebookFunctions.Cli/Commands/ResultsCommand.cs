using System.CommandLine;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Cli.Runs;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf results RUN -o DIR</c>: downloads a run's merged results, final (reduce) results, manifest and per-chunk notebooks.</summary>
public static class ResultsCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run id." };
        var output = new Option<string>("--output", "-o") { Description = "Folder to download into (default: ./RUN)." };
        var connection = new ApiConnection();
        var command = new Command("results", "Download a run's results, manifest and executed chunk notebooks.") { run, output };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync("results", async () =>
        {
            var id = parse.GetValue(run)!;
            await using var backend = await RunBackends.OpenAsync(connection, parse, runWorker: false, 1, cancellationToken);
            var files = await backend.FilesAsync(id, cancellationToken);
            if (files.Count == 0)
            {
                Console.Error.WriteLine($"nbf results: run {id} has stored no results yet");
                return ExitCodes.NotFound;
            }

            var target = Path.GetFullPath(parse.GetValue(output) ?? id);
            foreach (var file in files)
            {
                // Checked here as well as by the service: a hostile or broken API must not make nbf write outside the target.
                var path = Path.GetFullPath(Path.Combine(target, file.Path));
                if (!Orchestration.Runs.RunFiles.IsShared(file.Path) || !path.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    Console.Error.WriteLine($"nbf results: refusing '{file.Path}' from {backend.Where}: not a file of a run (results/..., reduce/..., manifest.json, chunks/N/output.ipynb)");
                    return ExitCodes.Unavailable;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using var stream = File.Create(path);
                await backend.DownloadAsync(id, file.Path, stream, cancellationToken);
            }

            Console.Error.WriteLine($"nbf results: {files.Count} files of run {id} in {target}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
