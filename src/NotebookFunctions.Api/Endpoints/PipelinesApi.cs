using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Pipelines;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>The body of POST /api/pipelines/{name}/runs: which version (the latest when omitted) and the pipeline parameters' values.</summary>
public sealed record PipelineRunBody(string? Version, JsonObject? Parameters, List<Orchestration.Notifications.NotificationSubmission?>? Notify = null);

/// <summary>
/// /api/pipelines over HTTP: publishing a definition, reading it back, starting a run of it. Every rule about a
/// pipeline lives in <see cref="RunService"/> (its runs are then read, cancelled and repaired through /api/runs).
/// </summary>
public sealed class PipelinesApi(BlobServiceClient blobs, ApiOptions options, TimeProvider clock, Core.Secrets.ISecretSource? secrets = null, IRunJournal? journal = null, CatalogListing? catalog = null)
{
    private RunService Service(DurableTaskClient client) => new(blobs, client, secrets, clock, journal, options.TaskHub);

    /// <summary>PUT /api/pipelines/{name}: the body is the definition as JSON; the X-Nbf-Source-* headers, when sent, say where it came from.</summary>
    public Task<IResult> PublishAsync(HttpRequest request, DurableTaskClient client, string name) => ApiProblems.GuardAsync(request, async () =>
    {
        var source = NotebooksApi.ReadSource(request);
        var bytes = await RequestBody.ReadLimitedAsync(request, options.MaxPipelineBytes, size => TooLarge(name, size));
        var definition = RequestJson.ParseObject(bytes, "pipeline definition");
        var published = await Service(client).PublishPipelineAsync(name, definition, source, request.HttpContext.RequestAborted);
        catalog?.Invalidate();
        var body = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["version"] = published.Version,
            ["created"] = published.Created,
            ["size"] = published.Size,
            ["published"] = published.Published,
            // The stored version's source: the first publish's, when this definition was published before.
            ["source"] = NotebooksApi.SourceJson(published.Source),
        };
        foreach (var (key, value) in Described(PipelineReader.Read(definition))) body[key] = value;
        // 201 the first time; the same definition again is the same version, answered 200.
        return new LocatedResult(Json(body, published.Created ? 201 : 200), $"/api/pipelines/{name}?version={published.Version}");
    });

    /// <summary>GET /api/pipelines: every pipeline with its versions, oldest first.</summary>
    public Task<IResult> ListAsync(HttpRequest request, DurableTaskClient client) => ApiProblems.GuardAsync(request, async () =>
    {
        var all = await Service(client).ListPipelinesAsync(request.HttpContext.RequestAborted);
        var items = all.Select(pair => new
        {
            name = pair.Key,
            latest = pair.Value[^1].Version,
            published = pair.Value[^1].Published,
            versions = pair.Value.Select(Version).ToList(),
        }).ToList();
        return Results.Json(new { pipelines = items }, ApiJson.Options);
    });

    /// <summary>GET /api/pipelines/{name}[?version=]: its versions, and the definition, parameters and steps of the one asked for (the latest by default).</summary>
    public Task<IResult> GetAsync(HttpRequest request, DurableTaskClient client, string name) => ApiProblems.GuardAsync(request, async () =>
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var (version, definition) = await Service(client).GetPipelineAsync(name, request.Query["version"].FirstOrDefault(), cancellationToken);
        var versions = await NotebookStore.Pipelines(blobs).ListVersionsAsync(name, cancellationToken);
        var body = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["latest"] = versions.Count > 0 ? versions[^1].Version : version.Version,
            ["version"] = version.Version,
            ["versions"] = versions.Select(Version).ToList(),
        };
        foreach (var (key, value) in Described(PipelineReader.Read(definition))) body[key] = value;
        body["definition"] = definition;
        return Json(body, 200);
    });

    /// <summary>POST /api/pipelines/{name}/runs: every step checked before any starts; with Idempotency-Key, a retried POST finds the first run.</summary>
    public Task<IResult> StartRunAsync(HttpRequest request, DurableTaskClient client, string name) => ApiProblems.GuardAsync(request, async () =>
    {
        var body = await RequestJson.ReadAsync<PipelineRunBody>(request.Body, "pipeline run request", request.HttpContext.RequestAborted);
        var submission = new PipelineSubmission { Pipeline = name, Version = body.Version, Parameters = body.Parameters, Notify = body.Notify };
        var started = await Service(client).StartPipelineAsync(submission, RunsApi.IdChoice(request), request.HttpContext.RequestAborted);
        return new LocatedResult(Results.Json(started, ApiJson.Options, statusCode: 202), started.Links.Self);
    });

    /// <summary>Members without a value left out, as <see cref="ApiJson"/> leaves out null properties.</summary>
    private static IResult Json(Dictionary<string, object?> body, int status) =>
        Results.Json(body.Where(m => m.Value is not null).ToDictionary(), ApiJson.Options, statusCode: status);

    private static object Version(PublishedNotebook v) => new { version = v.Version, size = v.Size, published = v.Published, source = NotebooksApi.SourceJson(v.Source) };

    /// <summary>What a caller needs to run it: the parameters it declares (required ones have no default) and its steps.</summary>
    private static Dictionary<string, object?> Described(PipelineDefinition pipeline) => new()
    {
        ["description"] = pipeline.Description,
        ["parameters"] = pipeline.Parameters.Select(p => new { name = p.Name, type = p.Type, @default = p.Default, required = p.Required, description = p.Description }).ToList(),
        ["steps"] = pipeline.Steps.Select(s => new { name = s.Name, notebook = s.Notebook, version = s.Version, mode = s.Mode == StepMode.FanOut ? "fan_out" : "single", dependsOn = s.DependsOn }).ToList(),
    };

    private ApiException TooLarge(string name, long? size) =>
        new(413, "Pipeline too large", $"pipeline '{name}' is {(size is null ? "larger than" : $"{size} bytes, over")} the limit of {options.MaxPipelineBytes} bytes; a definition names notebooks and data, it does not hold them",
            new Dictionary<string, object?> { ["limit"] = options.MaxPipelineBytes, ["field"] = "body" });
}
