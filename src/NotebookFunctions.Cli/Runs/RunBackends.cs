using System.CommandLine;
using NotebookFunctions.Cli.Remote;

namespace NotebookFunctions.Cli.Runs;

/// <summary>Picks a command's backend: the API when --api (or NBF_API_URL) names one, else the local host.</summary>
internal static class RunBackends
{
    /// <summary>With runWorker, a local host also runs chunks in this process (it follows a run it starts or repairs).</summary>
    public static async Task<IRunBackend> OpenAsync(ApiConnection connection, ParseResult parse, bool runWorker, int parallelism, CancellationToken cancellationToken) =>
        connection.BaseUrl(parse) is { } url
            ? new RemoteRunBackend(connection.Client(parse, url))
            : await LocalRunBackend.StartAsync(runWorker, parallelism, cancellationToken);
}
