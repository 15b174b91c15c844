using System.Text;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>Publishing notebooks (validated, linted, scanned for credentials, content-addressed) and reading them back.</summary>
public sealed class NotebooksApi(BlobServiceClient blobs, ApiOptions options)
{
    private readonly NotebookStore _store = new(blobs);

    /// <summary>PUT /api/notebooks/{name}: the body is the .ipynb.</summary>
    public Task<IResult> PublishAsync(HttpRequest request, string name) => ApiProblems.GuardAsync(async () =>
    {
        CheckName(name);
        var bytes = await ReadLimitedAsync(request, options.MaxNotebookBytes, name);
        var notebook = NotebookReader.Parse(Encoding.UTF8.GetString(bytes), name);
        var findings = SecretScanner.Scan(notebook);
        if (findings.Count > 0)
        {
            throw new ApiException(422, "Hardcoded credentials", $"notebook '{name}' contains {findings.Count} hardcoded credential(s); use secrets (names in the run request, values from Key Vault) instead. First: {findings[0]}",
                new Dictionary<string, object?> { ["notebook"] = name, ["findings"] = findings.Select(FindingJson).ToList() });
        }

        var warnings = NotebookLinter.Lint(notebook);
        await _store.EnsureCreatedAsync(request.HttpContext.RequestAborted);
        var published = await _store.PublishAsync(name, bytes, request.HttpContext.RequestAborted);
        var body = new
        {
            name,
            version = published.Version,
            created = published.Created,
            size = published.Size,
            published = published.Published,
            warnings = warnings.Select(w => new { code = w.Code, message = w.Message, cell = w.CellIndex, cellId = w.CellId }).ToList(),
            schema = ParameterSchema.Infer(notebook).ToJson(),
        };
        var location = $"/api/notebooks/{name}?version={published.Version}";
        // 201 the first time; re-publishing the same bytes is a no-op answered 200.
        return new LocatedResult(Results.Json(body, ApiJson.Options, statusCode: published.Created ? 201 : 200), location);
    });

    /// <summary>GET /api/notebooks: every notebook with its latest version.</summary>
    public Task<IResult> ListAsync(HttpRequest request) => ApiProblems.GuardAsync(async () =>
    {
        var all = await _store.ListAllAsync(request.HttpContext.RequestAborted);
        var items = all.Select(pair => new
        {
            name = pair.Key,
            latest = pair.Value[^1].Version,
            versions = pair.Value.Count,
            published = pair.Value[^1].Published,
        }).ToList();
        return Results.Json(new { notebooks = items }, ApiJson.Options);
    });

    /// <summary>GET /api/notebooks/{name}[?version=]: its versions, the latest, and the parameter schema of the one asked for.</summary>
    public Task<IResult> GetAsync(HttpRequest request, string name) => ApiProblems.GuardAsync(async () =>
    {
        CheckName(name);
        var versions = await _store.ListVersionsAsync(name, request.HttpContext.RequestAborted);
        if (versions.Count == 0) throw ApiException.NotFound($"no notebook named '{name}' has been published");
        var version = request.Query["version"].FirstOrDefault() ?? versions[^1].Version;
        var bytes = await _store.GetAsync(name, version, request.HttpContext.RequestAborted)
            ?? throw ApiException.NotFound($"notebook '{name}' has no version '{version}'; latest is {versions[^1].Version}");
        var notebook = NotebookReader.Parse(Encoding.UTF8.GetString(bytes), $"{name}@{version}");
        return Results.Json(new
        {
            name,
            latest = versions[^1].Version,
            version,
            versions = versions.Select(v => new { version = v.Version, size = v.Size, published = v.Published }).ToList(),
            kernel = notebook.KernelName,
            schema = ParameterSchema.Infer(notebook).ToJson(),
        }, ApiJson.Options);
    });

    private static object FindingJson(SecretFinding f) =>
        new { rule = f.Rule, description = f.Description, cell = f.CellIndex, cellId = f.CellId, location = f.Location, line = f.Line, masked = f.Masked };

    private static void CheckName(string name)
    {
        if (NotebookStore.NameProblem(name) is { } problem) throw ApiException.BadRequest(problem, "name");
    }

    /// <summary>Reads the body up to the limit; one byte more is a 413, whatever Content-Length claimed.</summary>
    private static async Task<byte[]> ReadLimitedAsync(HttpRequest request, long limit, string name)
    {
        if (request.ContentLength > limit) throw TooLarge(name, request.ContentLength.Value, limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge(name, null, limit);
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0) throw ApiException.BadRequest($"notebook '{name}': the request body is empty; send the .ipynb file as the body", "body");
        return buffer.ToArray();
    }

    private static ApiException TooLarge(string name, long? size, long limit) =>
        new(413, "Notebook too large", $"notebook '{name}' is {(size is null ? "larger than" : $"{size} bytes, over")} the limit of {limit} bytes; keep data out of the notebook (read it from the run's input)",
            new Dictionary<string, object?> { ["limit"] = limit });
}
