using System.CommandLine;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Cli.Runs;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf repair RUN</c>: re-runs only the failed chunks of a finished run, then follows the repair.</summary>
public static class RepairCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The id of a finished run with failed chunks." };
        var parallel = new Option<int>("--parallel") { Description = "Chunks run at once (local host).", DefaultValueFactory = _ => 2 };
        var detach = new Option<bool>("--detach") { Description = "Print the repair run's id and return without following it." };
        var connection = new ApiConnection();
        var command = new Command("repair", "Run the failed chunks of a finished run again (refused if its input changed since).") { run, parallel, detach };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync("repair", async () =>
        {
            void Say(string text) => Console.Error.WriteLine($"nbf: {text}");
            await using var backend = await RunBackends.OpenAsync(connection, parse, runWorker: !parse.GetValue(detach), parse.GetValue(parallel), cancellationToken);
            var started = await backend.RepairAsync(parse.GetValue(run)!, cancellationToken);
            Say($"run {started.Id} {(started.Started ? "started" : "already exists")}: repairs chunk(s) {string.Join(", ", started.Chunks ?? [])} of run {started.RepairOf}");
            Console.Out.WriteLine(started.Id);
            return parse.GetValue(detach) ? ExitCodes.Success : await RunFollower.FollowAsync(backend, started.Id, Say, cancellationToken);
        }));
        return command;
    }
}
