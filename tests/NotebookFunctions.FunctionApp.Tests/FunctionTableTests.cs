using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using NotebookFunctions.Api;
using NotebookFunctions.Api.AccessControl;

namespace NotebookFunctions.FunctionApp.Tests;

/// <summary>The Functions app and nbf serve expose one API: the same operation names, routes and methods, all in the role table.</summary>
public sealed class FunctionTableTests
{
    private static List<(string Name, string Route, string Method)> HttpFunctions() =>
        typeof(AppHost).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => (x.Function!.Name, x.Trigger!.Route!, x.Trigger.Methods!.Single().ToUpperInvariant()))
            .ToList();

    [Fact]
    public void Every_http_function_is_an_api_operation_with_a_role_and_every_operation_has_a_function()
    {
        var functions = HttpFunctions();

        Assert.Equal(ApiOperations.RequiredRole.Keys.Order(), functions.Select(f => f.Name).Order());
        Assert.All(
            typeof(AppHost).Assembly.GetTypes().SelectMany(t => t.GetMethods()).SelectMany(m => m.GetParameters()).Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>(),
            trigger => Assert.Equal(AuthorizationLevel.Function, trigger.AuthLevel));
    }

    [Fact]
    public async Task Nbf_serve_maps_the_same_routes_and_methods_under_the_same_names()
    {
        await using var durable = await FunctionsHarness.StartAsync();
        var app = ApiHost.Create(FunctionsHarness.Blobs, durable.Client, new Dictionary<string, IReadOnlySet<string>>(), port: 0);
        await using var _ = app;
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (
                Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName,
                Route: e.RoutePattern.RawText!.TrimStart('/'),
                Method: e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single()))
            .ToList();

        Assert.Equal(
            HttpFunctions().Select(f => (f.Name, "api/" + f.Route, f.Method)).Order(),
            endpoints.Select(e => (e.Name, e.Route, e.Method)).Order());
    }
}
