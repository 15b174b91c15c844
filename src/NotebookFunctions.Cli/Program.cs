using NetMQ;
using NotebookFunctions.Cli.Commands;

namespace NotebookFunctions.Cli;

/// <summary>Entry point of <c>nbf</c>.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            return await NbfCommand.Create().Parse(args).InvokeAsync();
        }
        finally
        {
            // Without this NetMQ's background threads keep the process alive after Main returns.
            NetMQConfig.Cleanup(block: false);
        }
    }
}
