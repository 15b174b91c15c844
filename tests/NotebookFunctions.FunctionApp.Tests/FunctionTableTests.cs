using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using NotebookFunctions.Api;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.FunctionApp.Functions;

namespace NotebookFunctions.FunctionApp.Tests;

/// <summary>The Functions app and nbf serve expose one API: the same operation names, routes and methods, all in the role table.</summary>
public sealed class FunctionTableTests
{
    private static List<(string Name, string Route, string Method)> HttpFunctions() =>
        typeof(AppHost).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Function: m.GetCustomAttribute<FunctionAttribute>(), Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null && x.Function.Name is not (RouteNotFoundFunction.Name or WebHttpFunctions.WebAppName))
            .Select(x => (x.Function!.Name, x.Trigger!.Route!, x.Trigger.Methods!.Single().ToUpperInvariant()))
            .ToList();

    /// <remarks>
    /// Anonymous at the Functions host: a browser signed in by App Service Authentication cannot hold a function key,
    /// so the gate is the platform's sign-in in front of the app and the role middleware behind it, which refuses any
    /// API operation without a principal (and trusts one only where the platform set it).
    /// </remarks>
    [Fact]
    public void Every_http_function_is_an_api_operation_with_a_role_and_every_operation_has_a_function()
    {
        var functions = HttpFunctions();

        Assert.Equal(ApiOperations.RequiredRole.Keys.Order(), functions.Select(f => f.Name).Order());
        Assert.All(functions, f => Assert.StartsWith("api/", f.Route, StringComparison.Ordinal));
        Assert.All(
            typeof(AppHost).Assembly.GetTypes().SelectMany(t => t.GetMethods()).SelectMany(m => m.GetParameters()).Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>(),
            trigger => Assert.Equal(AuthorizationLevel.Anonymous, trigger.AuthLevel));
        Assert.All(ApiOperations.RequiredRole.Keys, operation => Assert.False(AccessPolicy.Decide(operation, principal: null).Allowed));
    }

    [Fact]
    public void A_route_no_operation_has_gets_a_problem_document_from_a_catch_all_that_needs_no_role()
    {
        var method = typeof(RouteNotFoundFunction).GetMethod(nameof(RouteNotFoundFunction.Run))!;
        var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().Single();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "DELETE";
        context.Request.Path = "/api/nothing-here";

        var result = new RouteNotFoundFunction().Run(context.Request);

        Assert.Equal("api/{*path}", trigger.Route);
        Assert.False(ApiOperations.RequiredRole.ContainsKey(RouteNotFoundFunction.Name));
        Assert.True(AccessPolicy.Decide(RouteNotFoundFunction.Name, null).Allowed);
        var problem = Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>(Assert.IsType<ResultAction>(result).Result);
        Assert.Equal(404, problem.StatusCode);
        Assert.Contains("no API route DELETE /api/nothing-here", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task Nbf_serve_maps_the_same_routes_and_methods_under_the_same_names()
    {
        await using var durable = await FunctionsHarness.StartAsync();
        var app = ApiHost.Create(FunctionsHarness.Blobs, durable.Client, new Dictionary<string, IReadOnlySet<string>>(), port: 0);
        await using var _ = app;
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>() is not null)
            .Select(e => (
                Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName,
                Route: e.RoutePattern.RawText!.TrimStart('/'),
                Method: e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single()))
            .ToList();

        Assert.Equal(
            HttpFunctions().Select(f => (f.Name, f.Route, f.Method)).Order(),
            endpoints.Select(e => (e.Name, e.Route, e.Method)).Order());
    }
}
