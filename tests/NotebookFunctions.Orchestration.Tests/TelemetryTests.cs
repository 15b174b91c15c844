using System.Diagnostics;
using System.Text;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Telemetry;
using NotebookFunctions.Orchestration.Models;
using NotebookFunctions.Orchestration.Telemetry;

namespace NotebookFunctions.Orchestration.Tests;

/// <summary>Spans run → chunk → cell for a real run, the failing cell marked; no secret in telemetry or logs.</summary>
public sealed class TelemetryTests
{
    private const string Parameters = "input_path = 'in.csv'\noutput_dir = 'out'\nchunk_index = 0";

    private static string Csv(int rows) => "id,value\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i},{i % 10}\n"));

    private static RunRequest Request((string Name, string Version) notebook, string container, IReadOnlyList<string>? secrets = null) => new()
    {
        Notebook = notebook.Name,
        Version = notebook.Version,
        Input = new InputSpec { Container = container, Prefix = "data.csv", TargetChunkBytes = 1024 },
        MaxParallelChunks = 2,
        Retry = new ChunkRetryPolicy(MaxAttempts: 1),
        OnChunkFailure = FailurePolicy.Continue,
        Secrets = secrets ?? [],
    };

    [Fact]
    public async Task A_failing_run_is_one_trace_run_to_chunk_to_cell_with_the_failing_cell_marked()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NotebookTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        var notebook = await RunHarness.PublishAsync(Parameters, "rows = open(input_path).read().splitlines()", "if chunk_index == 1:\n    raise ValueError(f'chunk {chunk_index} has {len(rows)} rows')");
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(300));
        await using var harness = await RunHarness.StartAsync();

        var (result, _) = await harness.RunAsync(Request(notebook, container.Name));

        Assert.Equal(RunStatus.CompletedWithFailures, result.Status);
        List<Activity> mine;
        lock (spans) mine = spans.Where(s => Equals(s.GetTagItem(NotebookTelemetry.Attributes.RunId), result.RunId) || s.DisplayName.StartsWith("cell", StringComparison.Ordinal)).ToList();
        var run = Assert.Single(mine, s => s.DisplayName == $"run {notebook.Name}");
        Assert.Equal(ActivityKind.Producer, run.Kind);
        var trace = mine.Where(s => s.TraceId == run.TraceId).ToList();
        var chunks = trace.Where(s => s.DisplayName.StartsWith("chunk ", StringComparison.Ordinal)).ToList();
        Assert.Equal(result.ChunkCount, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(run.SpanId, c.ParentSpanId));
        Assert.Equal(run.SpanId, Assert.Single(trace, s => s.DisplayName == "merge").ParentSpanId);

        var failedChunk = Assert.Single(chunks, c => c.Status == ActivityStatusCode.Error);
        Assert.Equal(1, failedChunk.GetTagItem(NotebookTelemetry.Attributes.ChunkIndex));
        var cells = trace.Where(s => s.ParentSpanId == failedChunk.SpanId).ToList();
        Assert.NotEmpty(cells);
        var failedCell = Assert.Single(cells, c => c.Status == ActivityStatusCode.Error);
        var exception = Assert.Single(failedCell.Events, e => e.Name == "exception");
        var tags = exception.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal("ValueError", tags[NotebookTelemetry.Attributes.ExceptionType]);
        Assert.StartsWith("chunk 1 has", (string)tags[NotebookTelemetry.Attributes.ExceptionMessage]!);
        Assert.Equal(result.FailedChunks[0].Error!.CellIndex, tags[NotebookTelemetry.Attributes.CellIndex]);
        Assert.Contains("raise ValueError", (string)tags[NotebookTelemetry.Attributes.SourceExcerpt]!);
        Assert.All(trace.Where(s => s.ParentSpanId == chunks.Single(c => c != failedChunk && c.Status == ActivityStatusCode.Ok).SpanId), c => Assert.Equal(ActivityStatusCode.Ok, c.Status));
    }

    [Fact]
    public async Task Application_insights_gets_requests_dependencies_exceptions_and_metrics_and_never_a_secret()
    {
        var secret = $"tel-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable("NBF_TELEMETRY_SECRET", secret);
        var channel = new CapturingChannel();
        var configuration = new TelemetryConfiguration { TelemetryChannel = channel, ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000" };
        var logs = new CapturingLogs();
        var notebook = await RunHarness.PublishAsync(Parameters,
            "import os\ns = os.environ['NBF_TELEMETRY_SECRET']\nprint(s)",
            "raise PermissionError('token ' + s + ' refused for chunk ' + str(chunk_index))");
        var container = await RunHarness.UploadInputAsync("data.csv", Csv(20));
        using (new ApplicationInsightsExporter(new TelemetryClient(configuration)))
        {
            await using var harness = await RunHarness.StartAsync(logs: logs);
            var (result, _) = await harness.RunAsync(Request(notebook, container.Name, ["NBF_TELEMETRY_SECRET"]));
            Assert.Equal(RunStatus.Failed, result.Status);
            Assert.Contains("token *** refused", result.FailedChunks[0].Error!.EValue);
        }

        var items = channel.Items.ToList();
        var text = Encoding.UTF8.GetString(Microsoft.ApplicationInsights.Extensibility.Implementation.JsonSerializer.Serialize(items, compress: false));
        Assert.Contains(items, i => i is Microsoft.ApplicationInsights.DataContracts.RequestTelemetry r && r.Name == $"run {notebook.Name}");
        Assert.Contains(items, i => i is Microsoft.ApplicationInsights.DataContracts.RequestTelemetry r && r.Name == "chunk 0" && r.Success == false);
        Assert.Contains(items, i => i is Microsoft.ApplicationInsights.DataContracts.MetricTelemetry m && m.Name == "nbf.cell.duration");
        Assert.Contains(items, i => i is Microsoft.ApplicationInsights.DataContracts.ExceptionTelemetry e && e.ExceptionDetailsInfoList.Any(d => d.TypeName == "PermissionError"));
        Assert.Contains(items, i => i is Microsoft.ApplicationInsights.DataContracts.DependencyTelemetry d && d.Name.StartsWith("cell", StringComparison.Ordinal));
        Assert.Contains("token *** refused", text);
        Assert.DoesNotContain(secret, text);
        Assert.NotEmpty(logs.Lines);
        Assert.Contains(logs.Lines, l => l.Contains("token *** refused", StringComparison.Ordinal) && l.Contains("RunId", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    private sealed class CapturingChannel : ITelemetryChannel
    {
        public System.Collections.Concurrent.ConcurrentQueue<ITelemetry> Items { get; } = new();

        public bool? DeveloperMode { get; set; }

        public string EndpointAddress { get; set; } = string.Empty;

        public void Send(ITelemetry item) => Items.Enqueue(item);

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Every log line with its scopes, as a structured logger would ship it.</summary>
    private sealed class CapturingLogs : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new StringBuilder(formatter(state, exception));
                owner._scopes.ForEachScope((scope, builder) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        foreach (var (key, value) in pairs) builder.Append(' ').Append(key).Append('=').Append(value);
                }, line);
                owner.Lines.Enqueue(line.ToString());
            }
        }
    }
}
