using System.Text.Json.Nodes;
using NotebookFunctions.Api.AccessControl;
using NotebookFunctions.FunctionApp.Functions;

namespace NotebookFunctions.FunctionApp.Tests;

/// <summary>The function list the SDK generates at build (functions.metadata), which the Functions host loads.</summary>
public sealed class FunctionsMetadataTests
{
    [Fact]
    public void The_generated_function_list_has_every_trigger()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        var functions = JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => f["name"]!.GetValue<string>());
        JsonObject Trigger(string name) => functions[name]["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));

        foreach (var operation in ApiOperations.RequiredRole.Keys)
        {
            var http = Trigger(operation);
            Assert.Equal("httpTrigger", http["type"]!.GetValue<string>());
            Assert.Equal("Anonymous", http["authLevel"]!.GetValue<string>());
            Assert.StartsWith("api/", http["route"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal("0 * * * * *", Trigger(ScheduleTimerFunction.Name)["schedule"]!.GetValue<string>());
        Assert.Equal("incoming/{name}", Trigger(IncomingBlobFunction.Name)["path"]!.GetValue<string>());
        Assert.Equal("api/{*path}", Trigger(RouteNotFoundFunction.Name)["route"]!.GetValue<string>());
        Assert.Equal("app/{*path}", Trigger(WebHttpFunctions.WebAppName)["route"]!.GetValue<string>());
        Assert.Equal(ApiOperations.RequiredRole.Count + 4, functions.Count);
    }
}
