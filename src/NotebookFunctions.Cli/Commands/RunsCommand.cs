using System.CommandLine;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Cli.Runs;
using NotebookFunctions.Orchestration.Runs;
using Spectre.Console;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf runs</c>: runs, newest pages first, on the local host or a backend's API.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var status = new Option<string?>("--status") { Description = "Only runs in this state: Pending, Running, Completed, CompletedWithFailures, Failed, Cancelled." };
        var notebook = new Option<string?>("--notebook") { Description = "Only runs of this notebook." };
        var pipeline = new Option<string?>("--pipeline") { Description = "Only runs of this pipeline." };
        var top = new Option<int>("--top") { Description = "How many runs to list.", DefaultValueFactory = _ => 20 };
        var connection = new ApiConnection();
        var command = new Command("runs", "List runs, newest first.") { status, notebook, pipeline, top };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync("runs", async () =>
        {
            await using var backend = await RunBackends.OpenAsync(connection, parse, runWorker: false, 1, cancellationToken);
            var page = await backend.ListAsync(new RunQuery { Status = parse.GetValue(status), Notebook = parse.GetValue(notebook), Pipeline = parse.GetValue(pipeline), Top = parse.GetValue(top) }, cancellationToken);
            var rows = page.Runs.OrderByDescending(r => r.Created).Select(RunReport.Row).ToList();
            if (Console.IsOutputRedirected)
            {
                // Scripts get one tab-separated line per run.
                foreach (var row in rows) Console.Out.WriteLine(string.Join('\t', row));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Run", "Status", "Created (UTC)", "Updated (UTC)", "Chunks");
            foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }
}
