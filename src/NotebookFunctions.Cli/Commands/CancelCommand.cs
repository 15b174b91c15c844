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
            // The cancel takes effect in the host that runs the run's orchestration. With none working on the local task
            // hub (stopped, or killed: its leases lapse within LocalDurableHost.LeaseLength), waiting is a minute of
            // silence; so the wait is cut short as soon as no host is left.
            var local = backend as LocalRunBackend;
            var noHost = $"nbf cancel: run {id} is cancelled; no host works on task hub {local?.TaskHub} now, so it stops as soon as one starts (nbf resume, nbf serve, nbf worker)";
            if (local is not null && await local.LiveHostsAsync(cancellationToken) is { Count: 0 })
            {
                Console.Error.WriteLine(noHost);
                return ExitCodes.Success;
            }

            Console.Error.WriteLine($"nbf cancel: run {id}: cancel requested; waiting for {backend.Where} to stop it");
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var ended = await RunFollower.WaitAsync(backend, id, TimeSpan.FromSeconds(5), cancellationToken);
                if (ended.HasEnded)
                {
                    Console.Error.WriteLine($"nbf cancel: run {id} {ended.Status}");
                    break;
                }

                if (local is not null && await local.LiveHostsAsync(cancellationToken) is { Count: 0 })
                {
                    Console.Error.WriteLine(noHost);
                    break;
                }

                if (waited.Elapsed > TimeSpan.FromSeconds(60))
                {
                    // The cancel is recorded either way; the host running the run has not stopped it yet.
                    Console.Error.WriteLine($"nbf cancel: run {id} is cancelled but still {ended.Status} after a minute; {backend.Where} stops it when it next works on it");
                    break;
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
