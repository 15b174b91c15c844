using System.CommandLine;
using NotebookFunctions.Cli.LocalHost;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf results RUN -o DIR</c>: downloads a run's merged results, manifest and per-chunk notebooks.</summary>
public static class ResultsCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run id." };
        var output = new Option<string>("--output", "-o") { Description = "Folder to download into (default: ./RUN)." };
        var command = new Command("results", "Download a run's results, manifest and executed chunk notebooks.") { run, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(run)!;
            var target = Path.GetFullPath(parse.GetValue(output) ?? id);
            await using var storage = await LocalStorage.EnsureAsync(text => Console.Error.WriteLine($"nbf: {text}"), cancellationToken);
            var store = new RunStore(BlobServiceFactory.Create(storage.Connection));
            var names = (await store.ListAsync($"{id}/", cancellationToken))
                .Where(n => n.Contains("/results/", StringComparison.Ordinal) || n.EndsWith("/manifest.json", StringComparison.Ordinal) || n.EndsWith("/output.ipynb", StringComparison.Ordinal))
                .ToList();
            if (names.Count == 0)
            {
                Console.Error.WriteLine($"nbf results: nothing stored for run '{id}'");
                return ExitCodes.InvalidInput;
            }

            foreach (var name in names)
            {
                var path = Path.Combine(target, name[(id.Length + 1)..]);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using var file = File.Create(path);
                await store.DownloadToAsync(name, file, cancellationToken);
            }

            Console.Error.WriteLine($"nbf results: {names.Count} files of run {id} in {target}");
            return ExitCodes.Success;
        });
        return command;
    }
}
