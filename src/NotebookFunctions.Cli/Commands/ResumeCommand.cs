using System.CommandLine;
using NotebookFunctions.Cli.Runs;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf resume</c>: picks up the runs a stopped or killed local host left in flight and follows them to the end.</summary>
public static class ResumeCommand
{
    public static Command Create()
    {
        var parallel = new Option<int>("--parallel") { Description = "Chunks run at once.", DefaultValueFactory = _ => 2 };
        var command = new Command("resume", "Continue every run left in flight by a stopped or killed local host.") { parallel };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync("resume", async () =>
        {
            await using var backend = await LocalRunBackend.StartAsync(runWorker: true, parse.GetValue(parallel), cancellationToken);
            var inFlight = await backend.Service.InFlightAsync(cancellationToken);
            if (inFlight.Count == 0)
            {
                Console.Error.WriteLine("nbf resume: no runs in flight");
                return ExitCodes.Success;
            }

            var worst = ExitCodes.Success;
            foreach (var id in inFlight)
            {
                Console.Error.WriteLine($"nbf: resuming run {id}");
                if (await backend.Service.ResumeProblemAsync(id, cancellationToken) is { } problem) Console.Error.WriteLine($"nbf: run {id}: {problem}");
                var code = await RunFollower.FollowAsync(backend, id, text => Console.Error.WriteLine($"nbf: {text}"), cancellationToken);
                if (code != ExitCodes.Success) worst = code;
            }

            return worst;
        }));
        return command;
    }
}
