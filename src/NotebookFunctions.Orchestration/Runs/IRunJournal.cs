using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>A run the journal holds: accepted under this id with this request, at this time.</summary>
public sealed record JournalEntry(string RunId, RunRequest Request, DateTimeOffset At);

/// <summary>
/// Where a host whose storage may lose its last seconds of writes (Azurite keeps tables and queues in memory and saves
/// them every few seconds) records a run before it answers "accepted", so the run is started again if storage lost
/// it. Azure Storage is durable when it answers; hosts on it need none.
/// </summary>
public interface IRunJournal
{
    /// <summary>Records the run durably (on disk, flushed) before it is scheduled.</summary>
    Task RecordAsync(string runId, RunRequest request, CancellationToken cancellationToken);

    /// <summary>The task hub holds the run: the entry is no longer needed.</summary>
    Task ForgetAsync(string runId, CancellationToken cancellationToken);

    Task<IReadOnlyList<JournalEntry>> EntriesAsync(CancellationToken cancellationToken);
}
