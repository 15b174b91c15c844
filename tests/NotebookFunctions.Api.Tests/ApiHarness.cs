using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using NotebookFunctions.Api.AccessControl;

namespace NotebookFunctions.Api.Tests;

/// <summary>
/// The API over real HTTP (Kestrel on loopback), on real Azurite blobs, with runs executed by Durable Task's in-memory
/// host on real kernels. Keys: "publisher-key" has every role, "reader-key" only Notebooks.Reader.
/// </summary>
internal sealed class ApiHarness : IAsyncDisposable
{
    public const string AllRolesKey = "publisher-key";
    public const string ReaderKey = "reader-key";
    private readonly DurableTaskTestHost _durable;
    private readonly WebApplication _app;

    private ApiHarness(DurableTaskTestHost durable, WebApplication app, HttpClient http)
    {
        _durable = durable;
        _app = app;
        Http = http;
    }

    public static BlobServiceClient Blobs => DurableTestHosts.Blobs;

    public HttpClient Http { get; }

    public DurableTaskClient Client => _durable.Client;

    /// <summary>With <paramref name="sessions"/>, browsers sign in as nbf serve's do (a one-time link, then a cookie).</summary>
    public static async Task<ApiHarness> StartAsync(ApiOptions? options = null, Web.WebSessions? sessions = null)
    {
        var durable = await DurableTestHosts.StartAsync();
        var keys = new Dictionary<string, IReadOnlySet<string>>
        {
            [AllRolesKey] = NotebookRoles.All.ToHashSet(),
            [ReaderKey] = new HashSet<string> { NotebookRoles.Reader },
        };
        var app = ApiHost.Create(Blobs, durable.Client, keys, port: 0, options, secrets: new Core.Secrets.EnvironmentSecretSource(), sessions: sessions);
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-API-Key", AllRolesKey);
        return new ApiHarness(durable, app, http);
    }

    /// <summary>A unique notebook name per test, so tests share Azurite without seeing each other's notebooks.</summary>
    public static string NewName(string stem) => $"{stem}-{Guid.NewGuid():N}"[..(stem.Length + 13)];

    /// <summary>An nbformat 4.5 python3 notebook: a parameters cell, then one code cell per source.</summary>
    public static string NotebookText(string? parameters, params string[] cells) => TestNotebooks.Text(parameters, cells);

    public async Task<(HttpResponseMessage Response, JsonObject Body)> PublishAsync(string name, string notebookText, string? key = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/notebooks/{name}") { Content = new StringContent(notebookText, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Remove("X-API-Key");
            request.Headers.Add("X-API-Key", key);
        }

        foreach (var (header, value) in headers ?? []) request.Headers.Add(header, value);

        var response = await Http.SendAsync(request);
        return (response, await BodyAsync(response));
    }

    public async Task<(HttpResponseMessage Response, JsonObject Body)> SendAsync(HttpMethod method, string path, object? json = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = JsonContent.Create(json);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Remove(name);
            request.Headers.Add(name, value);
        }

        var response = await Http.SendAsync(request);
        return (response, await BodyAsync(response));
    }

    /// <summary>A new container holding one blob.</summary>
    public static Task<BlobContainerClient> UploadInputAsync(string blobName, string content) => DurableTestHosts.UploadInputAsync(blobName, content);

    /// <summary>Publishes a notebook under a new name and runs it once over a one-line CSV, one attempt; returns the ended run's id.</summary>
    public async Task<string> RunOnceAsync(string stem, string notebookText)
    {
        var name = NewName(stem);
        await PublishAsync(name, notebookText);
        var input = await UploadInputAsync("data.csv", "a\n1\n");
        var (_, started) = await SendAsync(HttpMethod.Post, "/api/runs", new { notebook = name, input = new { container = input.Name, prefix = "data.csv" }, maxAttempts = 1 });
        var id = started["id"]!.GetValue<string>();
        await WaitForRunAsync(id);
        return id;
    }

    /// <summary>Polls GET /api/runs/{id} until the run has ended.</summary>
    public async Task<JsonObject> WaitForRunAsync(string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var (response, body) = await SendAsync(HttpMethod.Get, $"/api/runs/{id}");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var status = body["status"]!.GetValue<string>();
            if (status is not ("Pending" or "Running")) return body;
            Assert.True(DateTime.UtcNow < deadline, $"run {id} still {status}");
            await Task.Delay(300);
        }
    }

    private static async Task<JsonObject> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? new JsonObject { ["raw"] = text };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _durable.DisposeAsync();
    }
}
