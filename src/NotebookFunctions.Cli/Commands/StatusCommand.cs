using System.CommandLine;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Cli.Runs;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf status RUN</c>: where one run stands, with each failed chunk's cell and error.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run id." };
        var connection = new ApiConnection();
        var command = new Command("status", "Show a run's state, progress and failures.") { run };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync("status", async () =>
        {
            await using var backend = await RunBackends.OpenAsync(connection, parse, runWorker: false, 1, cancellationToken);
            RunReport.Status(await backend.GetAsync(parse.GetValue(run)!, cancellationToken), Console.Out);
            return ExitCodes.Success;
        }));
        return command;
    }
}
