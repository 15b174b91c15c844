using Microsoft.ApplicationInsights;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NotebookFunctions.Api.Endpoints;
using NotebookFunctions.Api.Incoming;
using NotebookFunctions.Api.Schedules;
using NotebookFunctions.Orchestration;

namespace NotebookFunctions.FunctionApp.Tests;

/// <summary>
/// Builds the worker exactly as Program.cs does and resolves what the functions need. Guards the Application Insights
/// pairing: WorkerService 3.x with Worker.ApplicationInsights 2.51 compiles, then throws TypeLoadException here.
/// </summary>
public sealed class AppStartupTests
{
    [Fact]
    public void The_worker_host_builds_with_application_insights_and_every_function_dependency()
    {
        Environment.SetEnvironmentVariable("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        Environment.SetEnvironmentVariable("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/");

        using var host = AppHost.CreateBuilder([]).Build();

        Assert.NotNull(host.Services.GetRequiredService<TelemetryClient>());
        Assert.NotNull(host.Services.GetRequiredService<NotebooksApi>());
        Assert.NotNull(host.Services.GetRequiredService<RunsApi>());
        Assert.NotNull(host.Services.GetRequiredService<PipelinesApi>());
        Assert.NotNull(host.Services.GetRequiredService<SchedulesApi>());
        Assert.NotNull(host.Services.GetRequiredService<ScheduleTicker>());
        Assert.NotNull(host.Services.GetRequiredService<IncomingBlobs>());
        Assert.IsType<CancellationMarkerProbe>(host.Services.GetRequiredService<IRunStatusProbe>());
    }

    [Fact]
    public async Task A_run_can_never_name_the_apps_own_settings_or_the_identity_endpoint_as_a_secret()
    {
        Environment.SetEnvironmentVariable("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", "platform-secret");

        using var host = AppHost.CreateBuilder([]).Build();
        var secrets = host.Services.GetRequiredService<Core.Secrets.ISecretSource>();

        Assert.Null(await secrets.GetAsync("IDENTITY_HEADER", default));
        Assert.Null(await secrets.GetAsync("AzureWebJobsStorage", default));
    }

    [Fact]
    public void Storage_comes_from_the_hosts_identity_based_settings_when_no_connection_string_is_given()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage:accountName"] = "nbfprod", ["AzureWebJobsStorage:clientId"] = "11111111-2222-3333-4444-555555555555" })
            .Build();

        var blobs = NotebookFunctionsServices.StorageFromConfiguration(config);

        Assert.Equal("https://nbfprod.blob.core.windows.net/", blobs.Uri.ToString());
        var none = new ConfigurationBuilder().Build();
        Assert.Contains("AzureWebJobsStorage", Assert.Throws<InvalidOperationException>(() => NotebookFunctionsServices.StorageFromConfiguration(none)).Message);
    }
}
