using System.CommandLine;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Secrets;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf scan PATH...</c>: hardcoded credentials in notebooks (files or folders), without running anything.</summary>
public static class ScanCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = ".ipynb files, or folders searched for them.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("scan", $"Find hardcoded credentials in notebooks (cell sources, saved outputs, metadata); a reviewed line is allowed by a '# {SecretScanner.AllowMarker}' comment. Exit 1 when any is found.") { paths };
        command.SetAction(parse =>
        {
            var files = new List<string>();
            foreach (var path in parse.GetValue(paths)!)
            {
                if (Directory.Exists(path)) files.AddRange(Directory.EnumerateFiles(path, "*.ipynb", SearchOption.AllDirectories).Where(f => !f.Contains("/.ipynb_checkpoints/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
                else if (File.Exists(path)) files.Add(path);
                else
                {
                    Console.Error.WriteLine($"nbf scan: no file or folder '{path}'");
                    return ExitCodes.InvalidInput;
                }
            }

            var found = 0;
            var unreadable = 0;
            foreach (var file in files)
            {
                try
                {
                    var findings = SecretScanner.Scan(NotebookReader.Read(file));
                    found += findings.Count;
                    foreach (var finding in findings) Console.Out.WriteLine($"{file}: {finding}");
                }
                catch (NotebookFormatException e)
                {
                    unreadable++;
                    Console.Error.WriteLine($"nbf scan: {e.Message}");
                }
            }

            Console.Error.WriteLine($"nbf scan: {files.Count} notebook(s), {found} finding(s)");
            return unreadable > 0 ? ExitCodes.InvalidInput : found > 0 ? ExitCodes.NotebookFailed : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Prints the findings and returns true when the notebook holds credentials (or cannot be read: the run reports that itself).</summary>
    public static bool Refuse(string path, string who)
    {
        List<SecretFinding> findings;
        try
        {
            findings = SecretScanner.Scan(NotebookReader.Read(path));
        }
        catch (NotebookFormatException)
        {
            return false;
        }

        if (findings.Count == 0) return false;
        Console.Error.WriteLine($"{who}: refusing {path}: {findings.Count} hardcoded credential(s); pass secrets with --secret NAME instead (a reviewed line can carry '# {SecretScanner.AllowMarker}')");
        foreach (var finding in findings) Console.Error.WriteLine($"  {finding}");
        return true;
    }
}
