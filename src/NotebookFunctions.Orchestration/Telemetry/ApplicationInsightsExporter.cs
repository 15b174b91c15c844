using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.ApplicationInsights.Extensibility.Implementation;
using NotebookFunctions.Core.Telemetry;

namespace NotebookFunctions.Orchestration.Telemetry;

/// <summary>
/// Sends <see cref="NotebookTelemetry"/>'s spans and measurements to Application Insights: the run and chunk spans as
/// requests, cells and the merge as dependencies of them (one operation per run: the trace id), each "exception" event
/// as an exception item on its span, measurements as pre-aggregated metrics. Written here rather than taken from
/// OpenTelemetry's Azure Monitor exporter because the Functions worker already carries the Application Insights SDK
/// (Worker.ApplicationInsights 2.51), and the two would report the same process twice.
/// </summary>
public sealed class ApplicationInsightsExporter : IDisposable
{
    private static readonly string[] MetricDimensions = [NotebookTelemetry.Attributes.Status, NotebookTelemetry.Attributes.Notebook];
    private readonly TelemetryClient _client;
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    public ApplicationInsightsExporter(TelemetryClient client)
    {
        _client = client;
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NotebookTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Guard(() => Export(activity)),
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == NotebookTelemetry.Name) listener.EnableMeasurementEvents(instrument);
            },
        };
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measure(instrument, value, tags));
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measure(instrument, value, tags));
        _meters.Start();
    }

    /// <summary>An exporter for a connection string (nbf), or null when none is configured.</summary>
    public static (ApplicationInsightsExporter Exporter, TelemetryClient Client)? ForConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return null;
        var configuration = new TelemetryConfiguration { ConnectionString = connectionString };
        var client = new TelemetryClient(configuration);
        return (new ApplicationInsightsExporter(client), client);
    }

    private void Export(Activity activity)
    {
        OperationTelemetry item = activity.Kind is ActivityKind.Producer or ActivityKind.Consumer or ActivityKind.Server
            ? new RequestTelemetry { Name = activity.DisplayName, Success = activity.Status != ActivityStatusCode.Error, ResponseCode = activity.Status.ToString() }
            : new DependencyTelemetry { Name = activity.DisplayName, Type = "InProc", Success = activity.Status != ActivityStatusCode.Error, ResultCode = activity.Status.ToString() };
        item.Id = activity.SpanId.ToHexString();
        item.Timestamp = activity.StartTimeUtc;
        item.Duration = activity.Duration;
        item.Context.Operation.Id = activity.TraceId.ToHexString();
        if (activity.ParentSpanId != default) item.Context.Operation.ParentId = activity.ParentSpanId.ToHexString();
        if (activity.GetTagItem(NotebookTelemetry.Attributes.Notebook) is { } notebook) item.Context.Operation.Name = $"run {notebook}";
        foreach (var (key, value) in activity.TagObjects)
        {
            if (value is not null) item.Properties[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        _client.Track(item);
        foreach (var failure in activity.Events.Where(e => e.Name == "exception")) TrackException(activity, item, failure);
    }

    private void TrackException(Activity activity, OperationTelemetry span, ActivityEvent failure)
    {
        string? Tag(string name) => failure.Tags.FirstOrDefault(t => t.Key == name).Value is { } v ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;
        var type = Tag(NotebookTelemetry.Attributes.ExceptionType) ?? "Error";
        var message = Tag(NotebookTelemetry.Attributes.ExceptionMessage) ?? string.Empty;
        var details = new ExceptionDetailsInfo(1, 0, type, message, hasFullStack: false, stack: Tag(NotebookTelemetry.Attributes.SourceExcerpt) ?? string.Empty, parsedStack: []);
        var properties = failure.Tags.Where(t => t.Value is not null).ToDictionary(t => t.Key, t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)!);
        var exception = new ExceptionTelemetry([details], SeverityLevel.Error, problemId: $"{span.Name}: {type}", properties, new Dictionary<string, double>())
        {
            Timestamp = failure.Timestamp,
        };
        exception.Context.Operation.Id = activity.TraceId.ToHexString();
        exception.Context.Operation.ParentId = activity.SpanId.ToHexString();
        exception.Context.Operation.Name = span.Context.Operation.Name;
        _client.TrackException(exception);
    }

    private void Measure(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Application Insights refuses empty dimension values.
        var values = new[] { "none", "none" };
        foreach (var (key, tag) in tags)
        {
            var at = Array.IndexOf(MetricDimensions, key);
            if (at >= 0 && Convert.ToString(tag, System.Globalization.CultureInfo.InvariantCulture) is { Length: > 0 } text) values[at] = text;
        }

        Guard(() => _client.GetMetric(instrument.Name, MetricDimensions[0], MetricDimensions[1]).TrackValue(value, values[0], values[1]));
    }

    /// <summary>Telemetry is never the reason a run fails: an export error is dropped (and written to the trace listeners).</summary>
    private static void Guard(Action export)
    {
        try
        {
            export();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            Trace.TraceWarning($"Notebook Functions telemetry was not exported: {e.Message}");
        }
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
        _client.Flush();
    }
}
