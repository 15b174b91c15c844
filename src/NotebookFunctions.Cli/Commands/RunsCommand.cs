using System.CommandLine;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Cli.LocalHost;
using NotebookFunctions.Orchestration.Models;
using Spectre.Console;

namespace NotebookFunctions.Cli.Commands;

/// <summary><c>nbf runs</c>: the runs in the local task hub, newest first.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var status = new Option<string?>("--status") { Description = "Only runs in this state: running, pending, completed, failed, terminated." };
        var top = new Option<int>("--top") { Description = "How many runs to list.", DefaultValueFactory = _ => 20 };
        var command = new Command("runs", "List fan-out runs on the local host, newest first.") { status, top };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var session = await LocalSession.StartAsync(runWorker: false, 1, cancellationToken);
            var query = new OrchestrationQuery { FetchInputsAndOutputs = false, PageSize = 100 };
            if (parse.GetValue(status) is { } s)
            {
                if (!Enum.TryParse<OrchestrationRuntimeStatus>(s, ignoreCase: true, out var wanted))
                {
                    Console.Error.WriteLine($"nbf runs: unknown status '{s}'");
                    return ExitCodes.InvalidInput;
                }

                query = query with { Statuses = [wanted] };
            }

            var runs = new List<OrchestrationMetadata>();
            await foreach (var run in session.Host.Client.GetAllInstancesAsync(query).WithCancellation(cancellationToken)) runs.Add(run);
            var rows = runs.OrderByDescending(r => r.CreatedAt).Take(parse.GetValue(top))
                .Select(r => new[] { r.InstanceId, r.RuntimeStatus.ToString(), $"{r.CreatedAt:yyyy-MM-dd HH:mm:ss}", $"{r.LastUpdatedAt:yyyy-MM-dd HH:mm:ss}", Progress(r) })
                .ToList();
            if (Console.IsOutputRedirected)
            {
                // Scripts get one tab-separated line per run.
                foreach (var row in rows) Console.Out.WriteLine(string.Join('\t', row));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Run", "Status", "Created (UTC)", "Updated (UTC)", "Chunks");
            foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string Progress(OrchestrationMetadata run)
    {
        if (run.SerializedCustomStatus is not { } text) return string.Empty;
        var p = JsonSerializer.Deserialize<RunProgress>(text);
        return p is null ? string.Empty : $"{p.Succeeded + p.Failed}/{p.Planned} done, {p.Failed} failed";
    }
}
