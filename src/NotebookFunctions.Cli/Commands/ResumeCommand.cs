using System.CommandLine;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Cli.LocalHost;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf resume</c>: picks up the runs a stopped or killed host left in flight and follows them to the end.</summary>
public static class ResumeCommand
{
    public static Command Create()
    {
        var parallel = new Option<int>("--parallel") { Description = "Chunks run at once.", DefaultValueFactory = _ => 2 };
        var command = new Command("resume", "Continue every run left in flight by a stopped or killed host.") { parallel };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var session = await LocalSession.StartAsync(runWorker: true, parse.GetValue(parallel), cancellationToken);
            var client = session.Host.Client;
            var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending], FetchInputsAndOutputs = false };
            var inFlight = new List<string>();
            await foreach (var run in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken)) inFlight.Add(run.InstanceId);
            if (inFlight.Count == 0)
            {
                Console.Error.WriteLine("nbf resume: no runs in flight");
                return ExitCodes.Success;
            }

            var worst = ExitCodes.Success;
            foreach (var id in inFlight)
            {
                Console.Error.WriteLine($"nbf: resuming run {id}");
                var code = await RunFollower.FollowAsync(client, id, text => Console.Error.WriteLine($"nbf: {text}"), cancellationToken);
                if (code != ExitCodes.Success) worst = code;
            }

            return worst;
        });
        return command;
    }
}
