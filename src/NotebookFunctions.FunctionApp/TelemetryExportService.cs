using Microsoft.ApplicationInsights;
using Microsoft.Extensions.Hosting;
using NotebookFunctions.Orchestration.Telemetry;

namespace NotebookFunctions.FunctionApp;

/// <summary>Listens to the run → chunk → cell spans and the metrics from the worker's start to its stop, into Application Insights.</summary>
public sealed class TelemetryExportService(TelemetryClient client) : IHostedService, IDisposable
{
    private ApplicationInsightsExporter? _exporter;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _exporter = new ApplicationInsightsExporter(client);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _exporter?.Dispose();
        _exporter = null;
    }
}
