using System.Text.Json;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.LocalHost;

/// <summary>
/// The local host's run journal: one file per accepted run in ~/.nbf/journal/{storage}/{task hub}/, written and flushed to disk
/// before the run is scheduled, so a run Azurite lost (killed within its save interval) is started again by the next
/// nbf that runs chunks (resume, serve, run).
/// </summary>
public sealed class FileRunJournal(string folder) : IRunJournal
{
    private sealed record Entry(string RunId, RunRequest? Request, DateTimeOffset At, NotebookFunctions.Orchestration.Pipelines.PipelineRequest? Pipeline = null);

    /// <summary>One folder per storage and task hub: a run journaled against one storage is never restarted in another that has a hub of the same name.</summary>
    public static FileRunJournal ForTaskHub(string storageKey, string taskHub) =>
        new(Path.Combine(AzuriteService.DataFolder, "..", "journal", storageKey, taskHub));

    public async Task RecordAsync(string runId, RunStart start, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = PathOf(runId);
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(file, new Entry(runId, start.Run, DateTimeOffset.UtcNow, start.Pipeline), cancellationToken: cancellationToken);
            // On disk before the run is answered "accepted": what a power cut or a killed storage cannot take back.
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    public Task ForgetAsync(string runId, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(runId));
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<JournalEntry>> EntriesAsync(CancellationToken cancellationToken)
    {
        var entries = new List<JournalEntry>();
        if (!Directory.Exists(folder)) return entries;
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            try
            {
                await using var file = File.OpenRead(path);
                if (await JsonSerializer.DeserializeAsync<Entry>(file, cancellationToken: cancellationToken) is { } entry && (entry.Request is not null || entry.Pipeline is not null))
                    entries.Add(new JournalEntry(entry.RunId, new RunStart(entry.Request, entry.Pipeline), entry.At));
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                // A half-written entry is one whose run was never scheduled: nothing to recover.
            }
        }

        return entries;
    }

    /// <summary>Run ids are checked by the run service (one path segment, no '..') before they are journaled.</summary>
    private string PathOf(string runId) => Path.Combine(folder, runId + ".json");
}
