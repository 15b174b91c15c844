using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.Runs;

/// <summary>
/// Where nbf's run commands go: the run service on the local host, or a deployed backend's API. Both answer with the
/// same records and refuse with the same <see cref="RunRefusalException"/>, so a command prints the same either way.
/// </summary>
internal interface IRunBackend : IAsyncDisposable
{
    /// <summary>For messages: "the local host" or the API's URL.</summary>
    string Where { get; }

    Task<StartedRun> StartAsync(RunSubmission submission, RunIdChoice idChoice, CancellationToken cancellationToken);

    /// <summary>Publishes a pipeline definition, checked whole where it is stored; returns its version and whether it is new.</summary>
    Task<(string Version, bool Created)> PublishPipelineAsync(string name, System.Text.Json.Nodes.JsonObject definition, Core.Storage.NotebookSource? source, CancellationToken cancellationToken);

    Task<StartedRun> StartPipelineAsync(Orchestration.Pipelines.PipelineSubmission submission, RunIdChoice idChoice, CancellationToken cancellationToken);

    Task<RunView> GetAsync(string runId, CancellationToken cancellationToken);

    /// <summary>A run's state, progress and outcome, without its chunks where that is cheaper: what a follower polls.</summary>
    Task<RunView> ProgressAsync(string runId, CancellationToken cancellationToken);

    Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken);

    Task<RunView> CancelAsync(string runId, CancellationToken cancellationToken);

    Task<StartedRun> RepairAsync(string runId, CancellationToken cancellationToken);

    Task<List<RunFile>> FilesAsync(string runId, CancellationToken cancellationToken);

    Task DownloadAsync(string runId, string path, Stream destination, CancellationToken cancellationToken);
}
