using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace NotebookFunctions.Api.Tests;

/// <summary>One bad request: how it is sent, and the status and field its refusal must have (null: no field), and what its detail must say when given.</summary>
internal sealed record BadRequest(string Name, HttpMethod Method, string Path, string? Body, int Status, string? Field, Dictionary<string, string>? Headers = null, string? Key = ApiHarness.AllRolesKey, string? Says = null);

/// <summary>Sends bad requests one at a time and checks each is refused as it must be, with storage as it was.</summary>
internal static class BadRequests
{
    /// <param name="api">The API under test.</param>
    /// <param name="cases">The requests, each with the status and field its problem document must have.</param>
    /// <param name="needles">Text in the names of containers these requests could create (see <see cref="StorageListing"/>).</param>
    /// <param name="prefixes">What every name these requests could write under in the API's containers begins with.</param>
    public static async Task AssertEachRefusedLeavingStorageAsync(ApiHarness api, IEnumerable<BadRequest> cases, string[] needles, string[] prefixes)
    {
        foreach (var c in cases)
        {
            var before = await StorageListing.TakeAsync(needles, prefixes);
            var (status, problem, text) = await SendAsync(api, c);
            var after = await StorageListing.TakeAsync(needles, prefixes);

            Assert.True(status == c.Status, $"{c.Name}: expected {c.Status}, got {status}: {text}");
            Assert.True(problem is not null, $"{c.Name}: the answer is not a problem document: {text}");
            Assert.Equal(c.Status, problem!["status"]?.GetValue<int>());
            Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), $"{c.Name}: no detail: {text}");
            Assert.True(problem["field"]?.GetValue<string>() == c.Field, $"{c.Name}: expected field '{c.Field}', got '{problem["field"]}': {text}");
            if (c.Says is not null) Assert.True(problem["detail"]!.GetValue<string>().Contains(c.Says, StringComparison.Ordinal), $"{c.Name}: the detail does not say \"{c.Says}\": {text}");
            Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
            Assert.DoesNotContain("NotebookFunctions.", text, StringComparison.Ordinal);
            Assert.True(before.SetEquals(after), $"{c.Name}: storage changed: {string.Join(", ", after.Except(before).Concat(before.Except(after)).Take(10))}");
        }
    }

    /// <summary>The request as a client sends it (JSON body as given, its own key or none), and the problem document it got.</summary>
    public static async Task<(int Status, JsonObject? Problem, string Text)> SendAsync(ApiHarness api, BadRequest c)
    {
        using var request = new HttpRequestMessage(c.Method, c.Path);
        if (c.Body is not null) request.Content = new StringContent(c.Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        request.Headers.Remove("X-API-Key");
        foreach (var (name, value) in c.Headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        using var client = new HttpClient { BaseAddress = api.Http.BaseAddress };
        if (c.Key is not null) client.DefaultRequestHeaders.Add("X-API-Key", c.Key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonObject? problem = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json") problem = JsonNode.Parse(text) as JsonObject;
        return ((int)response.StatusCode, problem, text);
    }
}
