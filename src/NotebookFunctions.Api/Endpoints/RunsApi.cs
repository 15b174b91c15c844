using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>
/// /api/runs over HTTP: reads the request, calls the run service, writes its answer. Every rule about a run lives in
/// <see cref="RunService"/>; this only translates (and <see cref="ApiProblems"/> turns its refusals into problems).
/// </summary>
public sealed class RunsApi(Azure.Storage.Blobs.BlobServiceClient blobs, ApiOptions options, TimeProvider clock, Core.Secrets.ISecretSource? secrets = null, IRunJournal? journal = null)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private RunService Service(DurableTaskClient client) => new(blobs, client, secrets, clock, journal, options.TaskHub);

    /// <summary>POST /api/runs: checked whole before anything is scheduled; with Idempotency-Key, a retried POST finds the first run.</summary>
    public Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client) => ApiProblems.GuardAsync(request, async () =>
    {
        var submission = await RequestJson.ReadAsync<RunSubmission>(request.Body, "run request", request.HttpContext.RequestAborted);
        var started = await Service(client).StartAsync(submission, IdChoice(request), request.HttpContext.RequestAborted);
        return new LocatedResult(Results.Json(started, ApiJson.Options, statusCode: 202), started.Links.Self);
    });

    /// <summary>GET /api/runs?notebook=&amp;pipeline=&amp;status=&amp;top=&amp;continuationToken=</summary>
    public Task<IResult> ListAsync(HttpRequest request, DurableTaskClient client) => ApiProblems.GuardAsync(request, async () =>
    {
        var query = new RunQuery
        {
            Notebook = request.Query["notebook"].FirstOrDefault(),
            Pipeline = request.Query["pipeline"].FirstOrDefault(),
            Status = request.Query["status"].FirstOrDefault(),
            Top = ParseTop(request.Query["top"].FirstOrDefault()),
            ContinuationToken = request.Query["continuationToken"].FirstOrDefault(),
        };
        return Results.Json(await Service(client).ListAsync(query, request.HttpContext.RequestAborted), ApiJson.Options);
    });

    /// <summary>GET /api/runs/{id}</summary>
    public Task<IResult> GetAsync(HttpRequest request, DurableTaskClient client, string id) => ApiProblems.GuardAsync(request, async () =>
        Results.Json(await Service(client).GetAsync(id, request.HttpContext.RequestAborted), ApiJson.Options));

    /// <summary>POST /api/runs/{id}/cancel: no new chunks start; running chunks' kernels are stopped.</summary>
    public Task<IResult> CancelAsync(HttpRequest request, DurableTaskClient client, string id) => ApiProblems.GuardAsync(request, async () =>
    {
        var view = await Service(client).CancelAsync(id, request.HttpContext.User.Identity?.Name, request.HttpContext.RequestAborted);
        return new LocatedResult(Results.Json(view, ApiJson.Options, statusCode: 202), view.Links.Self);
    });

    /// <summary>POST /api/runs/{id}/repair: a new run of only the failed chunks of a finished run, linked to it.</summary>
    public Task<IResult> RepairAsync(HttpRequest request, DurableTaskClient client, string id) => ApiProblems.GuardAsync(request, async () =>
    {
        var started = await Service(client).RepairAsync(id, request.HttpContext.RequestAborted);
        return new LocatedResult(Results.Json(started, ApiJson.Options, statusCode: 202), started.Links.Self);
    });

    /// <summary>
    /// GET /api/runs/{id}/environment[?against=OTHER]: the kernel environment the run recorded; with <c>against</c>, what
    /// changed from the other run's to this one's (packages added, removed, at another version; the Python version).
    /// </summary>
    public Task<IResult> EnvironmentAsync(HttpRequest request, DurableTaskClient client, string id) => ApiProblems.GuardAsync(request, async () =>
    {
        var against = request.Query["against"] switch
        {
            { Count: 0 } => null,
            { Count: 1 } one when !string.IsNullOrEmpty(one[0]) => one[0],
            _ => throw ApiException.BadRequest("'against' is one run id", "against"),
        };
        var service = Service(client);
        var environment = await service.EnvironmentAsync(id, request.HttpContext.RequestAborted);
        if (against is null) return Results.Json(new { run = id, environment }, ApiJson.Options);
        JsonObject other;
        try
        {
            other = await service.EnvironmentAsync(against, request.HttpContext.RequestAborted);
        }
        catch (Orchestration.Runs.RunRefusalException e)
        {
            // The other run is named by the query, so its refusal names that field.
            throw new ApiException(e.Kind == Orchestration.Runs.RunRefusalKind.NotFound ? 404 : 409, e.Title, e.Message, new Dictionary<string, object?> { ["field"] = "against" });
        }

        var difference = Core.Execution.EnvironmentDiff.Compare(other, environment);
        return Results.Json(new
        {
            run = id,
            against,
            same = difference.Same,
            python = new { run = difference.PythonAfter, against = difference.PythonBefore },
            changes = difference.Packages.Select(p => new { name = p.Name, against = p.Before, run = p.After }),
        }, ApiJson.Options);
    });

    /// <summary>GET /api/runs/{id}/files: what a caller may download of a run (merged results, manifest, executed chunk notebooks).</summary>
    public Task<IResult> FilesAsync(HttpRequest request, DurableTaskClient client, string id) => ApiProblems.GuardAsync(request, async () =>
    {
        var files = await Service(client).FilesAsync(id, request.HttpContext.RequestAborted);
        return Results.Json(new { files = files.Select(f => new { path = f.Path, size = f.Size, link = $"/api/runs/{id}/files/{f.Path}" }) }, ApiJson.Options);
    });

    /// <summary>GET /api/runs/{id}/files/{*path}: one of those files.</summary>
    public Task<IResult> FileAsync(HttpRequest request, DurableTaskClient client, string id, string path) => ApiProblems.GuardAsync(request, async () =>
    {
        // Opened before answering, so an unknown file is still a problem document; then streamed, never held whole.
        var content = await Service(client).OpenFileAsync(id, path, request.HttpContext.RequestAborted);
        ResponseHeaders.AsDownload(request.HttpContext.Response, Path.GetFileName(path));
        return Results.Stream(content, ContentTypeOf(path));
    });

    /// <summary>GET /api/runs/{id}/chunks/{index}/notebook: the executed notebook of one chunk (error annotated if it failed).</summary>
    public Task<IResult> ChunkNotebookAsync(HttpRequest request, DurableTaskClient client, string id, int index) => ApiProblems.GuardAsync(request, async () =>
    {
        var notebook = await Service(client).ChunkNotebookAsync(id, index, request.HttpContext.RequestAborted);
        // Its outputs are the notebook's: a download, as the run's files are.
        ResponseHeaders.AsDownload(request.HttpContext.Response, $"{id}-chunk-{index}.ipynb");
        return Results.Text(notebook, "application/x-ipynb+json", System.Text.Encoding.UTF8);
    });

    /// <summary>GET /api/runs/{id}/chunks/{index}/view[?code=show]: the executed notebook of one chunk as a page (code folded unless asked).</summary>
    public Task<IResult> ChunkNotebookPageAsync(HttpRequest request, DurableTaskClient client, string id, int index) => ApiProblems.GuardAsync(request, async () =>
        Page(request, id, $"chunk {index} of run {id}", await Service(client).ChunkNotebookAsync(id, index, request.HttpContext.RequestAborted)));

    /// <summary>GET /api/runs/{id}/reduce/view[?code=show]: the run's executed reduce notebook as a page.</summary>
    public Task<IResult> ReduceNotebookPageAsync(HttpRequest request, DurableTaskClient client, string id) => ApiProblems.GuardAsync(request, async () =>
        Page(request, id, $"the reduce of run {id}", await Service(client).ReduceNotebookAsync(id, request.HttpContext.RequestAborted)));

    private static IResult Page(HttpRequest request, string id, string what, string notebookText)
    {
        var notebook = Core.Notebooks.NotebookReader.Parse(notebookText, what);
        Web.NotebookPage.SecureHeaders(request.HttpContext.Response);
        var title = notebook.Metadata["notebook_functions"]?["notebook"]?.ToString() is { Length: > 0 } name ? name : "Executed notebook";
        return Results.Content(Web.NotebookPage.Render(title, what, notebook, request.Query["code"] == "show", $"{Web.WebApp.Root}#/runs/{Uri.EscapeDataString(id)}"), "text/html; charset=utf-8");
    }

    /// <summary>How a started run's id is chosen: from the Idempotency-Key header when one is sent, else fresh.</summary>
    internal static RunIdChoice IdChoice(HttpRequest request)
    {
        var key = request.Headers[IdempotencyHeader].FirstOrDefault();
        return string.IsNullOrWhiteSpace(key) ? RunIdChoice.Fresh : RunIdChoice.FromKey(key);
    }

    private int ParseTop(string? text)
    {
        if (text is null) return Math.Min(50, options.MaxPageSize);
        if (!int.TryParse(text, CultureInfo.InvariantCulture, out var top) || top < 1 || top > options.MaxPageSize)
            throw ApiException.BadRequest($"'top' must be a number from 1 to {options.MaxPageSize}", "top");
        return top;
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".ipynb" => "application/x-ipynb+json",
        ".json" => "application/json",
        ".csv" => "text/csv",
        ".txt" => "text/plain",
        _ => "application/octet-stream",
    };
}
