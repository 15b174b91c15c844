using NetMQ;
using NotebookFunctions.Cli.Commands;

namespace NotebookFunctions.Cli;

/// <summary>Entry point of <c>nbf</c>.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Runs, chunks and cells go to Application Insights when a connection string is configured; nowhere otherwise.
        var telemetry = Orchestration.Telemetry.ApplicationInsightsExporter.ForConnectionString(Environment.GetEnvironmentVariable("APPLICATIONINSIGHTS_CONNECTION_STRING"));
        try
        {
            // SIGTERM and Ctrl+C cancel the running command; it gets this long to stop its kernels and hosts.
            var parse = NbfCommand.Create().Parse(args);
            if (parse.Errors.Count > 0 && args.Length > 0)
            {
                return CommandErrors.ReportParseErrors(parse);
            }

            return await parse.InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) });
        }
        finally
        {
            // Kernels still running (chunks in flight when the host stops) go first, then NetMQ's threads,
            // which otherwise keep the process alive after Main returns.
            await Core.Kernels.Kernel.ShutdownAllAsync(TimeSpan.FromSeconds(2));
            NetMQConfig.Cleanup(block: false);
            telemetry?.Exporter.Dispose();
        }
    }
}
