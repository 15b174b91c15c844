using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using NotebookFunctions.Orchestration;

namespace NotebookFunctions.FunctionApp.Tests;

/// <summary>
/// Calls the app's function methods directly, with a DurableTaskClient from Durable Task's in-memory host (activities
/// on real kernels, blobs in real Azurite), and runs their IActionResult into a real HttpContext.
/// </summary>
internal sealed class FunctionsHarness : IAsyncDisposable
{
    private readonly DurableTaskTestHost _host;

    private FunctionsHarness(DurableTaskTestHost host) => _host = host;

    public static BlobServiceClient Blobs => DurableTestHosts.Blobs;

    public DurableTaskClient Client => _host.Client;

    public static async Task<FunctionsHarness> StartAsync() =>
        new(await DurableTestHosts.StartAsync(_ => new CancellationMarkerProbe(Blobs)));

    /// <summary>A request as the Functions ASP.NET Core integration hands it over.</summary>
    public static HttpRequest Request(string method, string body = "", IDictionary<string, string>? headers = null)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        context.Request.Method = method;
        context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
        context.Request.ContentLength = context.Request.Body.Length;
        context.Request.ContentType = "application/json";
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) context.Request.Headers[name] = value;
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    /// <summary>Executes the function's result into the response, as the host would, and reads status and body back.</summary>
    public static async Task<(int Status, string Body, IHeaderDictionary Headers)> ExecuteAsync(IActionResult result, HttpRequest request)
    {
        var context = request.HttpContext;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync(), context.Response.Headers);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();
}
