using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NotebookFunctions.FunctionApp.Middleware;
using NotebookFunctions.Orchestration;

namespace NotebookFunctions.FunctionApp;

/// <summary>The worker's composition, apart from Program.cs so a test can build the real host and resolve its services.</summary>
public static class AppHost
{
    public static FunctionsApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        // In order: the headers first, so the gate's refusals carry them too.
        builder.UseMiddleware<ResponseHeadersMiddleware>();
        builder.UseMiddleware<RoleAuthorizationMiddleware>();
        builder.Services
            .AddApplicationInsightsTelemetryWorkerService()
            .ConfigureFunctionsApplicationInsights();
        builder.Services.AddNotebookFunctions(builder.Configuration);
        builder.Services.AddHostedService<TelemetryExportService>();
        builder.Services.AddHostedService<ChunkFolderSweep>();
        builder.ConfigureDurableWorker().AddTasks(registry => registry.AddNotebookTasks());
        return builder;
    }
}
