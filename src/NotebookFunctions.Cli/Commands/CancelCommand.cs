using System.CommandLine;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Cli.LocalHost;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf cancel RUN</c>: terminates a run; its chunks in flight stop their kernels within seconds.</summary>
public static class CancelCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run id." };
        var reason = new Option<string>("--reason") { Description = "Recorded with the run.", DefaultValueFactory = _ => "cancelled with nbf cancel" };
        var command = new Command("cancel", "Cancel a run: no new chunks start, running chunks' kernels are stopped.") { run, reason };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(run)!;
            await using var session = await LocalSession.StartAsync(runWorker: false, 1, cancellationToken);
            var client = session.Host.Client;
            var state = await client.GetInstanceAsync(id, cancellationToken);
            if (state is null)
            {
                Console.Error.WriteLine($"nbf cancel: no run '{id}' in the local task hub");
                return ExitCodes.InvalidInput;
            }

            if (state.IsCompleted)
            {
                Console.Error.WriteLine($"nbf cancel: run {id} already ended ({state.RuntimeStatus})");
                return ExitCodes.Success;
            }

            await client.TerminateInstanceAsync(id, new TerminateInstanceOptions { Output = parse.GetValue(reason) }, cancellationToken);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(60));
            var ended = await client.WaitForInstanceCompletionAsync(id, wait.Token);
            Console.Error.WriteLine($"nbf cancel: run {id} {ended.RuntimeStatus}");
            return ExitCodes.Success;
        });
        return command;
    }
}
