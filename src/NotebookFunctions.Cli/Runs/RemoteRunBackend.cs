using NotebookFunctions.Api.Endpoints;
using NotebookFunctions.Cli.Remote;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.Runs;

/// <summary>A deployed backend (or nbf serve) through its API: the same run service, on the other side of HTTP.</summary>
internal sealed class RemoteRunBackend(NbfApiClient api) : IRunBackend
{
    public string Where => api.BaseAddress.ToString();

    public NbfApiClient Api => api;

    public Task<StartedRun> StartAsync(RunSubmission submission, RunIdChoice idChoice, CancellationToken cancellationToken)
    {
        // The API chooses ids itself; a caller's say is the idempotency key.
        if (idChoice.ExactId is not null)
            throw RunRefusalException.Invalid("--run-id names runs on the local host only; with --api, use --idempotency-key to make a retried run find the first", "runId");
        return api.StartRunAsync(submission, idChoice.IdempotencyKey, cancellationToken);
    }

    public async Task<(string Version, bool Created)> PublishPipelineAsync(string name, System.Text.Json.Nodes.JsonObject definition, Core.Storage.NotebookSource? source, CancellationToken cancellationToken)
    {
        var reply = await api.PublishPipelineAsync(name, definition, source is null ? null : NotebooksApi.SourceHeaders(source), cancellationToken);
        return (reply.Version, reply.Created);
    }

    public Task<StartedRun> StartPipelineAsync(Orchestration.Pipelines.PipelineSubmission submission, RunIdChoice idChoice, CancellationToken cancellationToken)
    {
        if (idChoice.ExactId is not null)
            throw RunRefusalException.Invalid("--run-id names runs on the local host only; with --api, use --idempotency-key to make a retried run find the first", "runId");
        return api.StartPipelineAsync(submission, idChoice.IdempotencyKey, cancellationToken);
    }

    public Task<RunView> GetAsync(string runId, CancellationToken cancellationToken) => api.GetRunAsync(Checked(runId), cancellationToken);

    // The API has one view of a run (the detail the web page shows too).
    public Task<RunView> ProgressAsync(string runId, CancellationToken cancellationToken) => GetAsync(runId, cancellationToken);

    public Task<RunPage> ListAsync(RunQuery query, CancellationToken cancellationToken) => api.ListRunsAsync(query, cancellationToken);

    public Task<RunView> CancelAsync(string runId, CancellationToken cancellationToken) => api.CancelRunAsync(Checked(runId), cancellationToken);

    public Task<StartedRun> RepairAsync(string runId, CancellationToken cancellationToken) => api.RepairRunAsync(Checked(runId), cancellationToken);

    public Task<List<RunFile>> FilesAsync(string runId, CancellationToken cancellationToken) => api.ListFilesAsync(Checked(runId), cancellationToken);

    public Task DownloadAsync(string runId, string path, Stream destination, CancellationToken cancellationToken) => api.DownloadFileAsync(Checked(runId), path, destination, cancellationToken);

    /// <summary>
    /// The run service's own id rule, applied before the id becomes part of a URL: an id with '/' would otherwise reach
    /// the API escaped and be refused as something else than what the user typed.
    /// </summary>
    private static string Checked(string runId) =>
        RunIds.Problem(runId) is { } problem ? throw RunRefusalException.Invalid(problem, "id") : runId;

    public ValueTask DisposeAsync()
    {
        api.Dispose();
        return ValueTask.CompletedTask;
    }
}
