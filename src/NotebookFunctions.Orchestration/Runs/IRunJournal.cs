using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Pipelines;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>A run the journal holds: accepted under this id to start this way, at this time.</summary>
public sealed record JournalEntry(string RunId, RunStart Start, DateTimeOffset At);

/// <summary>What a run id is scheduled with: a notebook run, or a pipeline run.</summary>
public sealed record RunStart(RunRequest? Run = null, PipelineRequest? Pipeline = null)
{
    public string Orchestrator => Pipeline is null ? nameof(NotebookRunOrchestrator) : nameof(PipelineOrchestrator);

    public object Input => (object?)Pipeline ?? Run ?? throw new InvalidOperationException("a run start holds a run or a pipeline");
}

/// <summary>
/// Where a host whose storage may lose its last seconds of writes (Azurite keeps tables and queues in memory and saves
/// them every few seconds) records a run before it answers "accepted", so the run is started again if storage lost
/// it. Azure Storage is durable when it answers; hosts on it need none.
/// </summary>
public interface IRunJournal
{
    /// <summary>Records the run durably (on disk, flushed) before it is scheduled.</summary>
    Task RecordAsync(string runId, RunStart start, CancellationToken cancellationToken);

    /// <summary>The task hub holds the run: the entry is no longer needed.</summary>
    Task ForgetAsync(string runId, CancellationToken cancellationToken);

    Task<IReadOnlyList<JournalEntry>> EntriesAsync(CancellationToken cancellationToken);
}
