using System.CommandLine;
using NotebookFunctions.Cli.LocalHost;

namespace NotebookFunctions.Cli.Commands;

/// <summary>
/// <c>nbf worker</c>: joins a task hub (the local Azurite one, or the storage NBF_STORAGE names) and runs its chunks, and
/// its orchestrations for the partitions it holds, until stopped. Start any number, on one machine or several: they
/// share the hub's work-item queue, balance its partitions, and take over a dead worker's work when its locks expire.
/// </summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var parallel = new Option<int>("--parallel") { Description = "Chunks this worker runs at once (1 to 64).", DefaultValueFactory = _ => 2 };
        var command = new Command("worker", "Join the task hub as one more worker: run chunks (and orchestrations) of any run on it, until Ctrl+C or SIGTERM.") { parallel };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var slots = parse.GetValue(parallel);
            if (slots is < 1 or > 64)
            {
                Console.Error.WriteLine($"nbf worker: --parallel must be 1 to 64, not {slots}");
                return ExitCodes.InvalidInput;
            }

            return await CommandErrors.GuardAsync("worker", async () =>
            {
                await using var session = await LocalSession.StartAsync(runWorker: true, slots, cancellationToken);
                var host = session.Host;
                Console.Error.WriteLine($"nbf worker: {host.WorkerId} joined task hub {session.TaskHub} ({host.PartitionCount} partitions) on {session.Storage.Described}; {slots} chunk(s) at once; Ctrl+C stops");
                // Scripts and tests wait for this line on stdout.
                Console.Out.WriteLine($"worker {host.WorkerId} ready");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Stopping releases this worker's partitions and gives back the chunks it had not finished.
                    Console.Error.WriteLine($"nbf worker: {host.WorkerId} stopping");
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }
}
