using System.CommandLine;
using NotebookFunctions.Cli.LocalHost;
using NotebookFunctions.Cli.Serve;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf serve</c>: the HTTP API, schedules and blob arrivals on this machine, until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port of the API.", DefaultValueFactory = _ => 7071 };
        var parallel = new Option<int>("--parallel") { Description = "Chunks run at once.", DefaultValueFactory = _ => 2 };
        var apiKey = new Option<string?>("--api-key") { Description = "API key callers send as X-API-Key (default: NBF_API_KEY, else a new key, printed)." };
        var incoming = new Option<string>("--incoming") { Description = "The container whose new blobs start runs ({notebook}/{file}).", DefaultValueFactory = _ => Api.Incoming.IncomingBlobs.Container };
        var command = new Command("serve", "Serve the Notebook Functions API, cron schedules and incoming/ blob arrivals on the local host.") { port, parallel, apiKey, incoming };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync("serve", async () =>
        {
            void Say(string text) => Console.Error.WriteLine($"nbf serve: {text}");
            var key = parse.GetValue(apiKey) ?? (Environment.GetEnvironmentVariable("NBF_API_KEY") is { Length: > 0 } fromEnv ? fromEnv : null);
            await using var session = await LocalSession.StartAsync(runWorker: true, parse.GetValue(parallel), cancellationToken);
            await using var host = await ServeHost.StartAsync(session, new ServeOptions { Port = parse.GetValue(port), Parallel = parse.GetValue(parallel), ApiKey = key, IncomingContainer = parse.GetValue(incoming)! }, Say, cancellationToken);
            Say($"API on {host.Address}api/ (send X-API-Key: {(key is null ? host.ApiKey : "the configured key")})");
            Say($"schedules tick every minute; blobs uploaded to {parse.GetValue(incoming)}/{{notebook}}/... start runs; Ctrl+C stops");
            // Scripts and tests wait for this line on stdout.
            Console.Out.WriteLine($"listening {host.Address}");
            Console.Error.WriteLine($"nbf serve: sign in a browser (once, this link only): {host.SignInUrl}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Say("stopping");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
