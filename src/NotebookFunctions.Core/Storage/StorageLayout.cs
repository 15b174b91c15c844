namespace NotebookFunctions.Core.Storage;

/// <summary>Where everything lives in blob storage (DESIGN.md's layout), in one place.</summary>
public static class StorageLayout
{
    /// <summary>Published notebooks: {name}/{sha256}.ipynb, never overwritten.</summary>
    public const string NotebooksContainer = "notebooks";

    /// <summary>Published pipelines: {name}/{sha256}.json, never overwritten.</summary>
    public const string PipelinesContainer = "pipelines";

    /// <summary>Everything a run produced, under {runId}/.</summary>
    public const string RunsContainer = "runs";

    /// <summary>Local files nbf uploads for a run, under {runId}/.</summary>
    public const string InputsContainer = "inputs";

    /// <summary>Files uploaded from the web app to be a run's input, under {yyyy-MM-dd}/{random}/{file name}.</summary>
    public const string UploadsContainer = "uploads";

    /// <summary>The runs of each notebook and pipeline, newest first: {notebooks|pipelines}/{name}/{inverted ticks}-{run id}, empty blobs.</summary>
    public const string RunIndexContainer = "run-index";

    public static string NotebookBlob(string name, string sha256) => $"{name}/{sha256}.ipynb";

    public static string ManifestBlob(string runId) => $"{runId}/manifest.json";

    /// <summary>The run's request as planned (secret names, never values), read by every chunk.</summary>
    public static string RequestBlob(string runId) => $"{runId}/request.json";

    /// <summary>Written when a run is cancelled, so activities on any host stop its kernels.</summary>
    public static string CancelledBlob(string runId) => $"{runId}/cancelled.json";

    /// <summary>Created by the one caller allowed to start the run (idempotent triggers racing for the same id).</summary>
    public static string ClaimBlob(string runId) => $"{runId}/claim.json";

    /// <summary>The run's chunks as planned (blob, byte range, ETag): what a repair re-runs.</summary>
    public static string PlanBlob(string runId) => $"{runId}/plan.json";

    /// <summary>
    /// Finished chunks' records, stored as their fan-out (the run's, or a batch's) ended, up to a hundred a blob named by
    /// the first one's position in the plan: what the merge, the manifest and the reduce read, so the run's
    /// orchestration history never carries them. The engine's own, like the plan.
    /// </summary>
    public static string ChunkRecordsBlob(string runId, int first) => $"{runId}/records/{first}.json";

    /// <summary>Everything stored for a run's chunks: their folders and their started markers.</summary>
    public static string ChunksPrefix(string runId) => $"{runId}/chunks/";

    public static string ChunkPrefix(string runId, int index) => $"{ChunksPrefix(runId)}{index}/";

    public static string ChunkNotebookBlob(string runId, int index) => $"{ChunkPrefix(runId, index)}output.ipynb";

    public static string ChunkFilesPrefix(string runId, int index) => $"{ChunkPrefix(runId, index)}files/";

    /// <summary>
    /// Written when an attempt at a chunk starts (its attempt number in metadata): beside the chunk's record, not in
    /// it, so clearing the record for a retry's outputs never makes a running chunk look as if it were waiting.
    /// </summary>
    public static string ChunkStartedBlob(string runId, int index) => $"{ChunksPrefix(runId)}{index}.started";

    public static string ResultsPrefix(string runId) => $"{runId}/results/";

    /// <summary>A pipeline step's own run record, the same shape as a run's: runs/{pipelineRunId}/steps/{step}/.</summary>
    public static string StepRecord(string pipelineRunId, string step) => $"{pipelineRunId}/steps/{step}";

    /// <summary>The reduce's record: its executed notebook, scraps.json and files/ (the run's final results).</summary>
    public static string ReducePrefix(string runId) => $"{runId}/reduce/";

    public static string ReduceNotebookBlob(string runId) => $"{ReducePrefix(runId)}output.ipynb";

    public static string ReduceScrapsBlob(string runId) => $"{ReducePrefix(runId)}scraps.json";

    public static string ReduceFilesPrefix(string runId) => $"{ReducePrefix(runId)}files/";
}
