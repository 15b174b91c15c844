using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// What a caller asks to run, before it is checked: the body of POST /api/runs, a schedule's run, a blob arrival's
/// defaults, or what <c>nbf run</c> was given. <see cref="RunService"/> turns it into a checked RunRequest.
/// </summary>
public sealed record RunSubmission
{
    public string? Notebook { get; init; }

    /// <summary>A published version (sha256); the latest when omitted.</summary>
    public string? Version { get; init; }

    public JsonObject? Parameters { get; init; }

    public InputSubmission? Input { get; init; }

    public int? MaxParallelChunks { get; init; }

    /// <summary>Tries per chunk (1 = no retry).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>"failFast" (default) or "continue".</summary>
    public string? OnChunkFailure { get; init; }

    public double? CellTimeoutSeconds { get; init; }

    public double? ChunkTimeoutSeconds { get; init; }

    public string? Kernel { get; init; }

    /// <summary>Each kernel's memory limit in MB; the notebook's default (its metadata), then the host's, when omitted.</summary>
    public int? MemoryLimitMB { get; init; }

    /// <summary>Names of secrets the kernels get as environment variables; never values.</summary>
    public List<string>? Secrets { get; init; }

    /// <summary>The notebook that reduces the merged results to the final answer; the map notebook's own (its metadata) when omitted.</summary>
    public ReduceSubmission? Reduce { get; init; }

    /// <summary>Who is told when the run ends (webhooks, Slack, Teams); names secrets, never values.</summary>
    public List<Notifications.NotificationSubmission?>? Notify { get; init; }
}

/// <summary>The reduce part of <see cref="RunSubmission"/>.</summary>
public sealed record ReduceSubmission
{
    /// <summary>A published notebook's name.</summary>
    public string? Notebook { get; init; }

    /// <summary>A published version (sha256); the latest when omitted.</summary>
    public string? Version { get; init; }

    public JsonObject? Parameters { get; init; }
}

/// <summary>The input part of <see cref="RunSubmission"/>.</summary>
public sealed record InputSubmission
{
    public string? Container { get; init; }

    public string? Prefix { get; init; }

    public string? Glob { get; init; }

    /// <summary>"split" (default: line-aligned byte ranges of one or more blobs), "perBlob", or "whole" (one chunk of every blob: the notebook runs once over a folder of them).</summary>
    public string? Mode { get; init; }

    /// <summary>Target chunk size in split mode, e.g. "64MB" or a byte count (text or number).</summary>
    [JsonConverter(typeof(SizeTextConverter))]
    public string? ChunkSize { get; init; }

    public int? MaxChunks { get; init; }

    /// <summary>The prefix names exactly one blob (a blob arrival), not every blob starting with it. Never read from JSON.</summary>
    [JsonIgnore]
    public bool ExactBlob { get; init; }

    /// <summary>In whole mode, blobs of several folders, each under its name (a pipeline step reading several steps). Never read from JSON.</summary>
    [JsonIgnore]
    public IReadOnlyList<NotebookFunctions.Core.Chunks.InputFolder>? Folders { get; init; }

    /// <summary>The input is another run's merged results (a pipeline step's): their scraps.json is left out. Never read from JSON.</summary>
    [JsonIgnore]
    public bool RunResults { get; init; }

    /// <summary>A local file or folder read in place (nbf on the local host only). Never read from JSON: no request from outside names a path on the host.</summary>
    [JsonIgnore]
    public string? LocalPath { get; init; }

    /// <summary>In whole mode, no blobs is an empty folder, not an error (pipeline steps). Never read from JSON.</summary>
    [JsonIgnore]
    public bool AllowEmpty { get; init; }
}
