using System.CommandLine;
using NotebookFunctions.Cli.LocalHost;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf storage status|start|stop</c>: the local default storage (Azurite) as the background service it is.</summary>
public static class StorageCommand
{
    public static Command Create()
    {
        var status = new Command("status", "Where the local storage is, and whether it is running.");
        status.SetAction(async (_, _) =>
        {
            var configured = Environment.GetEnvironmentVariable("NBF_STORAGE");
            var listening = await AzuriteService.ListeningAsync();
            var pid = AzuriteService.RunningPid();
            Console.Out.WriteLine(configured is { Length: > 0 }
                ? "storage: NBF_STORAGE (the local host does not use Azurite)"
                : $"storage: Azurite on 127.0.0.1:{string.Join('/', AzuriteService.Ports)}, {(listening ? "listening" : "not running")}{(pid is null ? (listening ? " (not started by nbf)" : string.Empty) : $" (pid {pid}, started by nbf)")}");
            Console.Out.WriteLine($"data: {AzuriteService.DataFolder}");
            Console.Out.WriteLine($"log: {AzuriteService.LogFile}");
            return ExitCodes.Success;
        });

        var start = new Command("start", "Start Azurite in the background (nothing happens when one is listening).");
        start.SetAction((_, cancellationToken) => CommandErrors.GuardAsync("storage start", async () =>
        {
            try
            {
                await AzuriteService.StartAsync(text => Console.Error.WriteLine($"nbf storage: {text}"), cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"nbf storage: {e.Message}");
                return ExitCodes.Unavailable;
            }

            Console.Error.WriteLine($"nbf storage: listening on 127.0.0.1:{string.Join('/', AzuriteService.Ports)}{(AzuriteService.RunningPid() is { } pid ? $" (pid {pid})" : string.Empty)}");
            return ExitCodes.Success;
        }));

        var stop = new Command("stop", "Stop the Azurite nbf started (it saves its state first).");
        stop.SetAction(async (_, cancellationToken) =>
        {
            try
            {
                var stopped = await AzuriteService.StopAsync(cancellationToken);
                Console.Error.WriteLine(stopped ? "nbf storage: stopped" : "nbf storage: no Azurite started by nbf is running");
                return ExitCodes.Success;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"nbf storage: {e.Message}");
                return ExitCodes.Unavailable;
            }
        });

        return new Command("storage", "The local storage (Azurite): status, start, stop. nbf starts it when needed and leaves it running.") { status, start, stop };
    }
}
