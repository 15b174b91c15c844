using System.CommandLine;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Cli.Runs;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf cancel RUN</c>: the run service's cancel, then waits until the run has stopped.</summary>
public static class CancelCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run id." };
        var connection = new ApiConnection();
        var command = new Command("cancel", "Cancel a run: no new chunks start, running chunks' kernels are stopped.") { run };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync("cancel", async () =>
        {
            var id = parse.GetValue(run)!;
            await using var backend = await RunBackends.OpenAsync(connection, parse, runWorker: false, 1, cancellationToken);
            await backend.CancelAsync(id, cancellationToken);
            // The cancel takes effect in the host that runs the run's orchestration; with none working on the local
            // task hub (the run's host was killed or stopped), waiting would only be a minute of silence.
            if (backend is LocalRunBackend local && (await local.LiveHostsAsync(cancellationToken)).Count == 0)
            {
                Console.Error.WriteLine($"nbf cancel: run {id} is cancelled; no host works on task hub {local.TaskHub} now, so it stops as soon as one starts (nbf resume, nbf serve, nbf worker)");
                return ExitCodes.Success;
            }

            Console.Error.WriteLine($"nbf cancel: run {id}: cancel requested; waiting for {backend.Where} to stop it");
            var ended = await RunFollower.WaitAsync(backend, id, TimeSpan.FromSeconds(60), cancellationToken);
            // The cancel is recorded either way; a run no host is working on (left Pending) stops when one picks it up.
            Console.Error.WriteLine(ended.HasEnded
                ? $"nbf cancel: run {id} {ended.Status}"
                : $"nbf cancel: run {id} is cancelled but still {ended.Status}: no host is running it now; it ends when one picks it up (nbf resume, nbf serve)");
            return ExitCodes.Success;
        }));
        return command;
    }
}
