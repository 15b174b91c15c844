using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NotebookFunctions.Core.Telemetry;

/// <summary>
/// The one ActivitySource and Meter of Notebook Functions, with every instrument and attribute name, in one place.
/// Spans: run (producer: plans and dispatches) → chunk (consumer, one per attempt) → cell; "merge" closes the run.
/// Hosts export them (Application Insights in the Functions app and, when configured, in nbf); nothing is sent
/// when nobody listens.
/// </summary>
public static class NotebookTelemetry
{
    public const string Name = "NotebookFunctions";

    public static ActivitySource Source { get; } = new(Name, typeof(NotebookTelemetry).Assembly.GetName().Version?.ToString());

    public static Meter Meter { get; } = new(Name, typeof(NotebookTelemetry).Assembly.GetName().Version?.ToString());

    public static Histogram<double> RunDuration { get; } = Meter.CreateHistogram<double>("nbf.run.duration", "s", "Runs from start to merged results.");

    public static Histogram<double> ChunkDuration { get; } = Meter.CreateHistogram<double>("nbf.chunk.duration", "s", "One attempt of one chunk: download, execute, upload.");

    public static Histogram<double> CellDuration { get; } = Meter.CreateHistogram<double>("nbf.cell.duration", "s", "One cell's execution.");

    public static Histogram<double> KernelStartDuration { get; } = Meter.CreateHistogram<double>("nbf.kernel.start.duration", "s", "From launch to a kernel answering on shell and iopub.");

    public static Counter<long> ChunksFailed { get; } = Meter.CreateCounter<long>("nbf.chunks.failed", "{chunk}", "Chunk attempts that failed.");

    public static Counter<long> ChunkRetries { get; } = Meter.CreateCounter<long>("nbf.chunk.retries", "{attempt}", "Chunk attempts after the first.");

    /// <summary>Attribute names (OpenTelemetry's exception.* where one exists).</summary>
    public static class Attributes
    {
        public const string RunId = "nbf.run.id";
        public const string Notebook = "nbf.notebook";
        public const string Version = "nbf.notebook.version";
        public const string ChunkIndex = "nbf.chunk.index";
        public const string ChunkCount = "nbf.chunk.count";
        public const string Attempt = "nbf.chunk.attempt";
        public const string CellIndex = "nbf.cell.index";
        public const string CellId = "nbf.cell.id";
        public const string ExecutionCount = "nbf.cell.execution_count";
        public const string SourceExcerpt = "nbf.cell.source_excerpt";
        public const string Status = "nbf.status";
        public const string PeakMemoryMB = "nbf.kernel.peak_memory_mb";
        public const string MemoryLimitMB = "nbf.kernel.memory_limit_mb";
        public const string FailureKind = "nbf.failure.kind";
        public const string Kernel = "nbf.kernel";
        public const string Forked = "nbf.kernel.forked";
        public const string ExceptionType = "exception.type";
        public const string ExceptionMessage = "exception.message";
    }

    /// <summary>The first lines of a cell's source for an error record: enough to recognise it, bounded.</summary>
    public static string Excerpt(string source, int maxChars = 300)
    {
        var text = source.Trim();
        return text.Length <= maxChars ? text : text[..maxChars] + "…";
    }

    /// <summary>Marks a span failed with an exception event carrying type, message and extra attributes.</summary>
    public static void RecordFailure(Activity? activity, string type, string message, IEnumerable<KeyValuePair<string, object?>>? extra = null)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, $"{type}: {message}");
        var tags = new ActivityTagsCollection { [Attributes.ExceptionType] = type, [Attributes.ExceptionMessage] = message };
        foreach (var (key, value) in extra ?? []) tags[key] = value;
        activity.AddEvent(new ActivityEvent("exception", tags: tags));
    }
}
