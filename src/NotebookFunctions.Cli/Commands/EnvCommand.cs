using System.CommandLine;
using System.Text.Json;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Kernels;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Cli.Commands;

/// <summary>
/// <c>nbf env NOTEBOOK</c> and <c>nbf env diff RUN_A RUN_B</c>. The first: the notebook's requirements (metadata.notebook_functions.requirements) checked against the
/// environment of the kernel it would run on, by that kernel's own Python. Exit 0 when they are met, 1 when not, 2 for
/// a notebook or requirement that cannot be read, 3 when no kernel can start or check.
/// </summary>
public static class EnvCommand
{
    public static Command Create()
    {
        var notebook = new Argument<string>("notebook") { Description = "The .ipynb file." };
        var json = new Option<bool>("--json") { Description = "Print the check as JSON." };
        var command = new Command("env", "Check the packages a notebook requires (metadata.notebook_functions.requirements, PEP 440) against its kernel's environment.") { notebook, json, DiffCommand() };
        command.SetAction(async (parse, cancellationToken) =>
        {
            void Say(string text) => Console.Error.WriteLine($"nbf env: {text}");
            var path = parse.GetValue(notebook)!;
            IReadOnlyList<string> requirements;
            Notebook read;
            try
            {
                read = NotebookReader.Read(path);
                // What publishing would fold in: NAME.requirements.txt beside the notebook.
                RequirementsFile.FoldSidecar(read, path);
                requirements = NotebookRequirements.Of(read, path);
            }
            catch (NotebookFormatException e)
            {
                Say(e.Message);
                return ExitCodes.InvalidInput;
            }

            EnvironmentReport report;
            try
            {
                await using var kernel = await Kernel.StartAsync(new KernelSpecFinder().Find(read.KernelName), cancellationToken: cancellationToken);
                report = await EnvironmentCheck.RunAsync(kernel, requirements, cancellationToken);
                await kernel.ShutdownAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is KernelStartException or EnvironmentCheckException)
            {
                Say(e.Message);
                return ExitCodes.KernelUnavailable;
            }

            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    notebook = path,
                    python = report.PythonVersion,
                    executable = report.Executable,
                    satisfied = report.Satisfied,
                    requirements = report.Requirements.Select(r => new { requirement = r.Requirement, name = r.Name, found = r.Found, satisfied = r.Satisfied, note = r.Note }),
                }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            }
            else
            {
                Console.Out.WriteLine($"{path}: python {report.PythonVersion} ({report.Executable})");
                if (requirements.Count == 0) Console.Out.WriteLine($"  no requirements declared (add them to {NotebookRequirements.MetadataPath})");
                foreach (var r in report.Requirements) Console.Out.WriteLine($"  {(r.Satisfied ? "ok  " : "FAIL")} {r.Summary}");
            }

            if (!report.Satisfied) Say($"{path}: the environment does not meet {report.Requirements.Count(r => !r.Satisfied)} requirement(s): {report.Problems}");
            return report.Satisfied ? ExitCodes.Success : ExitCodes.NotebookFailed;
        });
        return command;
    }

    /// <summary>
    /// <c>nbf env diff RUN_A RUN_B [--api URL]</c>: what changed in the kernel environment from run A's to run B's, as
    /// their manifests recorded them. Exit 0 when they are the same, 1 when they differ (as diff does).
    /// </summary>
    private static Command DiffCommand()
    {
        var before = new Argument<string>("run-a") { Description = "The run to compare from." };
        var after = new Argument<string>("run-b") { Description = "The run to compare to." };
        var connection = new Remote.ApiConnection();
        var command = new Command("diff", "Show the packages (and Python version) that differ between two runs' recorded environments.") { before, after };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync("env diff", async () =>
        {
            await using var backend = await Runs.RunBackends.OpenAsync(connection, parse, runWorker: false, 1, cancellationToken);
            async Task<System.Text.Json.Nodes.JsonObject?> EnvironmentOf(string run)
            {
                using var manifest = new MemoryStream();
                await backend.DownloadAsync(run, "manifest.json", manifest, cancellationToken);
                return System.Text.Json.Nodes.JsonNode.Parse(manifest.ToArray())?["environment"] as System.Text.Json.Nodes.JsonObject;
            }

            var (a, b) = (parse.GetValue(before)!, parse.GetValue(after)!);
            var (first, second) = (await EnvironmentOf(a), await EnvironmentOf(b));
            if (first is null || second is null)
            {
                Console.Error.WriteLine($"nbf env diff: run {(first is null ? a : b)} recorded no environment (no chunk started a kernel)");
                return ExitCodes.NotFound;
            }

            var difference = EnvironmentDiff.Compare(first, second);
            Console.Out.WriteLine($"python {difference.PythonBefore} -> {difference.PythonAfter}{(difference.PythonBefore == difference.PythonAfter ? " (same)" : string.Empty)}");
            foreach (var change in difference.Packages) Console.Out.WriteLine(change.Summary);
            Console.Error.WriteLine($"nbf env diff: {(difference.Same ? "the same environment" : $"{difference.Packages.Count} package(s) differ")} ({a} -> {b})");
            return difference.Same ? ExitCodes.Success : ExitCodes.NotebookFailed;
        }));
        return command;
    }
}
