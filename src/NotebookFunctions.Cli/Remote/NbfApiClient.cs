using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotebookFunctions.Api;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Cli.Remote;

/// <summary>The backend refused who is calling (401, 403) or could not answer (unreachable, 5xx).</summary>
public sealed class ApiUnavailableException(string message) : Exception(message);

/// <summary>A publish the API answered: the version, or the refusal with its credential findings.</summary>
public sealed record PublishReply(string Name, string Version, bool Created, IReadOnlyList<string> Warnings);

/// <summary>
/// The one typed client of the Notebook Functions API in nbf (publish, runs, files, notebooks). Answers are the
/// same records the run service returns locally, so commands render both alike; a problem document comes back as the
/// same <see cref="RunRefusalException"/> the local service throws, field and all.
/// </summary>
public sealed class NbfApiClient : IDisposable
{
    private readonly HttpClient _http;

    private NbfApiClient(HttpClient http) => _http = http;

    public Uri BaseAddress => _http.BaseAddress!;

    /// <exception cref="RunRefusalException">The URL is not an absolute http(s) URL.</exception>
    public static NbfApiClient Create(string baseUrl, ApiCredentials credentials)
    {
        if (!Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
            throw RunRefusalException.Invalid("--api is not an http(s) URL of the API, e.g. https://func-xyz.azurewebsites.net/api", "api");
        // Credentials go in their options, never in the URL (which is printed in messages and kept in shell history).
        if (root.UserInfo.Length > 0 || root.Query.Length > 0 || root.Fragment.Length > 0)
            throw RunRefusalException.Invalid("--api takes the API's base URL only: give a function key with --function-key, a token with --token, not in the URL", "api");
        // Redirects are not followed: the keys in the headers would travel to wherever the redirect points.
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = root, Timeout = TimeSpan.FromMinutes(2) };
        if (credentials.Token is { Length: > 0 } token) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (credentials.ApiKey is { Length: > 0 } key) http.DefaultRequestHeaders.Add("X-API-Key", key);
        if (credentials.FunctionKey is { Length: > 0 } code) http.DefaultRequestHeaders.Add("x-functions-key", code);
        return new NbfApiClient(http);
    }

    public async Task<PublishReply> PublishAsync(string name, byte[] notebook, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(notebook);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ipynb+json");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"notebooks/{Uri.EscapeDataString(name)}") { Content = content };
        foreach (var (header, value) in headers) request.Headers.TryAddWithoutValidation(header, value);
        var json = await SendAsync<JsonObject>(request, cancellationToken);
        return new PublishReply(
            name,
            json["version"]!.GetValue<string>(),
            json["created"]?.GetValue<bool>() == true,
            json["warnings"]?.AsArray().Select(w => w?["message"]?.GetValue<string>() ?? string.Empty).ToList() ?? []);
    }

    /// <summary>PUT /api/pipelines/{name}: the definition as JSON, checked whole by the backend before it is stored; the headers say where it came from.</summary>
    public async Task<PublishReply> PublishPipelineAsync(string name, JsonObject definition, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"pipelines/{Uri.EscapeDataString(name)}") { Content = JsonContent.Create(definition) };
        foreach (var (header, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(header, value);
        var json = await SendAsync<JsonObject>(request, cancellationToken);
        return new PublishReply(name, json["version"]!.GetValue<string>(), json["created"]?.GetValue<bool>() == true, []);
    }

    /// <summary>POST /api/pipelines/{name}/runs.</summary>
    public Task<StartedRun> StartPipelineAsync(Orchestration.Pipelines.PipelineSubmission submission, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["version"] = submission.Version, ["parameters"] = submission.Parameters?.DeepClone() };
        if (submission.Notify is { } notify) body["notify"] = System.Text.Json.JsonSerializer.SerializeToNode(notify, ApiJson.Options);
        var request = new HttpRequestMessage(HttpMethod.Post, $"pipelines/{Uri.EscapeDataString(submission.Pipeline ?? string.Empty)}/runs") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add(Api.Endpoints.RunsApi.IdempotencyHeader, idempotencyKey);
        return SendAsync<StartedRun>(request, cancellationToken);
    }

    /// <summary>A published notebook: its versions, kernel and the parameter schema of the version asked for.</summary>
    public Task<JsonObject> GetNotebookAsync(string name, string? version, CancellationToken cancellationToken) =>
        SendAsync<JsonObject>(new HttpRequestMessage(HttpMethod.Get, $"notebooks/{Uri.EscapeDataString(name)}{(version is null ? string.Empty : $"?version={Uri.EscapeDataString(version)}")}"), cancellationToken);

    public Task<StartedRun> StartRunAsync(RunSubmission submission, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "runs") { Content = JsonContent.Create(submission, options: ApiJson.Options) };
        if (idempotencyKey is not null) request.Headers.Add(Api.Endpoints.RunsApi.IdempotencyHeader, idempotencyKey);
        return SendAsync<StartedRun>(request, cancellationToken);
    }

    public Task<RunView> GetRunAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<RunView>(new HttpRequestMessage(HttpMethod.Get, $"runs/{Uri.EscapeDataString(id)}"), cancellationToken);

    public Task<RunPage> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        var parts = new List<string> { $"top={query.Top}" };
        if (query.Notebook is not null) parts.Add($"notebook={Uri.EscapeDataString(query.Notebook)}");
        if (query.Pipeline is not null) parts.Add($"pipeline={Uri.EscapeDataString(query.Pipeline)}");
        if (query.Status is not null) parts.Add($"status={Uri.EscapeDataString(query.Status)}");
        if (query.ContinuationToken is not null) parts.Add($"continuationToken={Uri.EscapeDataString(query.ContinuationToken)}");
        return SendAsync<RunPage>(new HttpRequestMessage(HttpMethod.Get, "runs?" + string.Join('&', parts)), cancellationToken);
    }

    public Task<RunView> CancelRunAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<RunView>(new HttpRequestMessage(HttpMethod.Post, $"runs/{Uri.EscapeDataString(id)}/cancel"), cancellationToken);

    public Task<StartedRun> RepairRunAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<StartedRun>(new HttpRequestMessage(HttpMethod.Post, $"runs/{Uri.EscapeDataString(id)}/repair"), cancellationToken);

    public async Task<List<RunFile>> ListFilesAsync(string id, CancellationToken cancellationToken)
    {
        var json = await SendAsync<JsonObject>(new HttpRequestMessage(HttpMethod.Get, $"runs/{Uri.EscapeDataString(id)}/files"), cancellationToken);
        return json["files"]!.AsArray().Select(f => new RunFile(f!["path"]!.GetValue<string>(), f["size"]!.GetValue<long>())).ToList();
    }

    public async Task DownloadFileAsync(string id, string path, Stream destination, CancellationToken cancellationToken)
    {
        var escaped = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"runs/{Uri.EscapeDataString(id)}/files/{escaped}");
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
        await content.CopyToAsync(destination, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken)
                    ?? throw new ApiUnavailableException($"the API at {BaseAddress} answered {request.Method} {request.RequestUri} with an empty body");
            }
            catch (Exception e) when (e is JsonException or NotSupportedException)
            {
                // A sign-in page, a proxy's error page, or not this API at all.
                throw new ApiUnavailableException($"the API at {BaseAddress} answered {request.Method} {request.RequestUri} with something that is not the API's JSON ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}); is --api the API's base URL, ending in /api?");
            }
        }
    }

    /// <summary>Sends, turning a problem document into the run service's refusal and access or outage into <see cref="ApiUnavailableException"/>.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ApiUnavailableException($"the API at {BaseAddress} cannot be reached: {e.Message}");
        }

        if (response.IsSuccessStatusCode) return response;
        if ((int)response.StatusCode is >= 300 and < 400)
        {
            using (response)
                throw new ApiUnavailableException($"the API at {BaseAddress} redirected {request.Method} {request.RequestUri} ({(int)response.StatusCode}); nbf does not follow redirects with credentials: give the API's final URL");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw ToException(response.StatusCode, body);
        }
    }

    private Exception ToException(HttpStatusCode status, string body)
    {
        var problem = TryParse(body);
        var detail = problem?["detail"]?.GetValue<string>() ?? (body.Length is > 0 and < 500 ? body : status.ToString());
        var code = (int)status;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || code >= 500)
            return new ApiUnavailableException($"the API at {BaseAddress} answered {code} {status}: {detail}");
        var kind = status switch
        {
            HttpStatusCode.NotFound => RunRefusalKind.NotFound,
            HttpStatusCode.Conflict => RunRefusalKind.Conflict,
            _ => RunRefusalKind.Invalid,
        };
        var extensions = new Dictionary<string, object?>();
        foreach (var (key, value) in problem ?? [])
        {
            if (key is not ("type" or "title" or "status" or "detail" or "field" or "traceId")) extensions[key] = value?.DeepClone();
        }

        return new RunRefusalException(kind, problem?["title"]?.GetValue<string>() ?? status.ToString(), detail, problem?["field"]?.GetValue<string>(), extensions);
    }

    private static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
