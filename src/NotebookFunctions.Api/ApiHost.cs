using System.Net;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.Api.Endpoints;

namespace NotebookFunctions.Api;

/// <summary>
/// The API as a standalone ASP.NET Core app on loopback, guarded by API keys: what <c>nbf serve</c> runs, and what the
/// API tests call over real HTTP. (The Functions app maps the same handlers as HTTP triggers instead.)
/// </summary>
public static class ApiHost
{
    /// <summary>The app, not started; a port of 0 picks a free one.</summary>
    /// <remarks>Callers sign in with API keys (each with its roles); with <c>sessions</c>, browsers also sign in through the link nbf serve prints.</remarks>
    public static WebApplication Create(BlobServiceClient blobs, DurableTaskClient client, IReadOnlyDictionary<string, IReadOnlySet<string>> apiKeys, int port, ApiOptions? options = null, TimeProvider? clock = null, Core.Secrets.ISecretSource? secrets = null, Orchestration.Runs.IRunJournal? journal = null, Web.WebSessions? sessions = null)
    {
        options ??= new ApiOptions();
        clock ??= TimeProvider.System;
        var builder = EmbeddedHosts.WebBuilder();
        // Warnings and errors (failed requests with their correlation id, storage outages) go to stderr; stdout is for
        // what scripts read.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Error);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            ApiErrorPages.RaiseServerLimits(k.Limits, Math.Max(options.MaxUploadBytes, Math.Max(options.MaxNotebookBytes, options.MaxPipelineBytes)) + (1 << 20));
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedHostLifetime>();
        var app = builder.Build();
        app.UseResponseHeaders();
        app.UseProblemResponses();
        app.UseRouting();
        new ApiKeyAccess(apiKeys, sessions).UseIn(app);
        if (sessions is not null) app.MapGet("/app/signin", (HttpContext context) => sessions.SignIn(context));
        var catalog = new CatalogListing(blobs, clock);
        app.MapNotebookFunctionsApi(new NotebooksApi(blobs, options, catalog, new PublishTestGate(blobs, new Core.Execution.NotebookExecutor())), new RunsApi(blobs, options, clock, secrets, journal), new PipelinesApi(blobs, options, clock, secrets, journal, catalog), new SchedulesApi(blobs, clock, secrets), new CatalogApi(blobs, catalog, clock, secrets), new UploadsApi(blobs, options, clock), client);
        app.MapWebApp();
        return app;
    }
}
