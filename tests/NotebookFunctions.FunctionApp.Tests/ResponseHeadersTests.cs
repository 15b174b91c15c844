using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.FunctionApp.Middleware;

namespace NotebookFunctions.FunctionApp.Tests;

/// <summary>Every HTTP function's response says nosniff: the ones the function writes and the gate's refusals.</summary>
public sealed class ResponseHeadersTests
{
    [Fact]
    public async Task A_functions_response_says_nosniff_before_the_function_writes_it()
    {
        var http = new DefaultHttpContext();
        string? seenByFunction = null;

        await new ResponseHeadersMiddleware().Invoke(new FakeFunctionContext(ApiOperations.GetRunFile, http), _ =>
        {
            seenByFunction = http.Response.Headers.XContentTypeOptions;
            return Task.CompletedTask;
        });

        Assert.Equal("nosniff", seenByFunction);
        Assert.Equal("nosniff", http.Response.Headers.XContentTypeOptions.ToString());
    }

    [Fact]
    public async Task In_the_apps_own_pipeline_a_refusal_of_the_gate_says_nosniff_too()
    {
        Environment.SetEnvironmentVariable("AzureWebJobsStorage", "UseDevelopmentStorage=true");
        using var host = AppHost.CreateBuilder([]).Build();
        // The middleware pipeline as AppHost composed it, run on a request nobody signed in to.
        var pipeline = host.Services.GetRequiredService<FunctionExecutionDelegate>();
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        var context = new FakeFunctionContext(ApiOperations.GetRunFile, http) { InstanceServices = host.Services };

        await pipeline(context);

        Assert.Equal(401, http.Response.StatusCode);
        Assert.Equal("nosniff", http.Response.Headers.XContentTypeOptions.ToString());
    }
}
