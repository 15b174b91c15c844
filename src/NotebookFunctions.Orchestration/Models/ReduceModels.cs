namespace NotebookFunctions.Orchestration.Models;

/// <summary>
/// Input of the ExecuteReduce activity: where the run's chunk records are (it reads which chunks succeeded, where their
/// files are, and which failed, with a repair's kept chunks from the stored plan).
/// </summary>
public sealed record ExecuteReduceInput(string RunId, int ChunkCount, IReadOnlyList<string> Records, int Attempt, string? TraceParent = null);

/// <summary>What the reduce produced: the run's final results. Small, because it is kept in orchestration history.</summary>
public sealed record ReduceResult
{
    public required string Notebook { get; init; }

    public required string Version { get; init; }

    public required bool Succeeded { get; init; }

    public int Attempts { get; init; } = 1;

    public ChunkError? Error { get; init; }

    /// <summary>Files the reduce wrote to its output_dir, relative to it, sorted (stored under runs/{id}/reduce/files/).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    public string? NotebookBlob { get; init; }

    /// <summary>How many scraps it glued (stored in runs/{id}/reduce/scraps.json and the manifest).</summary>
    public int Scraps { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public double DurationSeconds { get; init; }

    public override string ToString() =>
        Succeeded ? $"reduce {Notebook} succeeded" : $"reduce notebook {Notebook} failed{(Attempts > 1 ? $" after {Attempts} attempts" : string.Empty)}: {Error}";
}

/// <summary>Input of the RecordRun activity: the run as merged, and its reduce.</summary>
public sealed record RecordRunInput(MergeInput Merge, IReadOnlyList<string> MergedFiles, ReduceResult? Reduce);
