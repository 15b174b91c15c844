using System.Text;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>Publishing notebooks (validated, linted, scanned for credentials, content-addressed) and reading them back.</summary>
public sealed class NotebooksApi(BlobServiceClient blobs, ApiOptions options, CatalogListing? catalog = null, PublishTestGate? tests = null)
{
    /// <summary>Request header: the full id of the git commit the published notebook file came from.</summary>
    public const string SourceCommitHeader = "X-Nbf-Source-Commit";

    /// <summary>Request header: the file's path relative to the repository root, percent-encoded UTF-8 (HTTP headers are ASCII).</summary>
    public const string SourcePathHeader = "X-Nbf-Source-Path";

    /// <summary>Request header: "true" when the file differed from the commit (modified or untracked), else "false".</summary>
    public const string SourceDirtyHeader = "X-Nbf-Source-Dirty";

    private readonly NotebookStore _store = new(blobs);

    /// <summary>The headers that tell PUT /api/notebooks/{name} where the notebook came from, as a publisher sends them.</summary>
    public static IReadOnlyDictionary<string, string> SourceHeaders(NotebookSource source) => new Dictionary<string, string>
    {
        [SourceCommitHeader] = source.Commit,
        [SourcePathHeader] = Uri.EscapeDataString(source.Path),
        [SourceDirtyHeader] = NotebookSource.FormatDirty(source.Dirty),
    };

    /// <summary>
    /// PUT /api/notebooks/{name}[?dryRun=true][&amp;requireTests=true]: the body is the .ipynb; the X-Nbf-Source-* headers,
    /// when sent, say where it came from. A dry run checks it all (validation, credentials, lint) and says what publishing
    /// would store, storing nothing: what the web app shows a publisher before they confirm. With requireTests, the
    /// notebook's tests run first (<see cref="PublishTestGate"/>), and nothing is stored unless they all pass.
    /// </summary>
    public Task<IResult> PublishAsync(HttpRequest request, string name) => ApiProblems.GuardAsync(request, async () =>
    {
        CheckName(name);
        var dryRun = DryRun(request);
        var requireTests = PublishTestGate.Required(request);
        var source = ReadSource(request);
        var bytes = await ReadLimitedAsync(request, options.MaxNotebookBytes, name);
        var notebook = NotebookReader.Parse(Encoding.UTF8.GetString(bytes), name);
        // Requirements that are not requirements would only fail its first run: refused now, naming the entry.
        NotebookRequirements.Of(notebook, name);
        NotebookMemoryLimit.Of(notebook, name);
        // Linted before the scan refuses it: a publisher fixing the credentials sees the lint warnings in the same answer.
        var warnings = NotebookLinter.Lint(notebook);
        var findings = SecretScanner.Scan(notebook);
        if (findings.Count > 0)
        {
            throw new ApiException(422, "Hardcoded credentials", $"notebook '{name}' contains {findings.Count} hardcoded credential(s); use secrets (names in the run request, values from Key Vault) instead. First: {findings[0]}",
                new Dictionary<string, object?> { ["notebook"] = name, ["findings"] = findings.Select(FindingJson).ToList(), ["warnings"] = Warnings(warnings) });
        }

        var description = NotebookDescription.Of(notebook);
        List<object>? testsRun = null;
        if (requireTests)
        {
            if (tests is null) throw new ApiException(501, "Not available", "this backend cannot run tests (no kernel): publish without requireTests=true", new Dictionary<string, object?> { ["field"] = "requireTests" });
            testsRun = await tests.CheckAsync(request, name, bytes, notebook, request.HttpContext.RequestAborted);
        }

        if (dryRun)
        {
            var version = Notebook.Sha256(bytes);
            var stored = await _store.GetVersionAsync(name, version, request.HttpContext.RequestAborted);
            return Results.Json(new
            {
                name,
                version,
                dryRun = true,
                // Whether publishing would add a version, or find these bytes already published.
                exists = stored is not null,
                size = bytes.Length,
                description,
                warnings = Warnings(warnings),
                schema = ParameterSchema.Infer(notebook).ToJson(),
                tests = testsRun,
            }, ApiJson.Options);
        }

        await _store.EnsureCreatedAsync(request.HttpContext.RequestAborted);
        var published = await _store.PublishAsync(name, bytes, source, request.HttpContext.RequestAborted, description);
        catalog?.Invalidate();
        var body = new
        {
            name,
            version = published.Version,
            created = published.Created,
            size = published.Size,
            published = published.Published,
            // The stored version's source: the first publish's, when these bytes were published before.
            source = SourceJson(published.Source),
            description = published.Description,
            warnings = Warnings(warnings),
            schema = ParameterSchema.Infer(notebook).ToJson(),
            // The tests that ran before it was stored (requireTests=true), each passed.
            tests = testsRun,
        };
        var location = $"/api/notebooks/{name}?version={published.Version}";
        // 201 the first time; re-publishing the same bytes is a no-op answered 200.
        return new LocatedResult(Results.Json(body, ApiJson.Options, statusCode: published.Created ? 201 : 200), location);
    });

    /// <summary>GET /api/notebooks: every notebook with its latest version.</summary>
    public Task<IResult> ListAsync(HttpRequest request) => ApiProblems.GuardAsync(request, async () =>
    {
        var all = await _store.ListAllAsync(request.HttpContext.RequestAborted);
        var items = all.Select(pair => new
        {
            name = pair.Key,
            latest = pair.Value[^1].Version,
            versions = pair.Value.Count,
            published = pair.Value[^1].Published,
            description = pair.Value[^1].Description,
        }).ToList();
        return Results.Json(new { notebooks = items }, ApiJson.Options);
    });

    /// <summary>GET /api/notebooks/{name}[?version=]: its versions, the latest, and the parameter schema of the one asked for.</summary>
    public Task<IResult> GetAsync(HttpRequest request, string name) => ApiProblems.GuardAsync(request, async () =>
    {
        CheckName(name);
        var versions = await _store.ListVersionsAsync(name, request.HttpContext.RequestAborted);
        if (versions.Count == 0) throw ApiException.NotFound($"no notebook named '{name}' has been published");
        var version = request.Query["version"].FirstOrDefault() ?? versions[^1].Version;
        if (NotebookStore.VersionProblem(version) is { } problem) throw ApiException.BadRequest(problem, "version");
        var bytes = await _store.GetAsync(name, version, request.HttpContext.RequestAborted)
            ?? throw ApiException.NotFound($"notebook '{name}' has no version '{version}'; latest is {versions[^1].Version}");
        var notebook = NotebookReader.Parse(Encoding.UTF8.GetString(bytes), $"{name}@{version}");
        return Results.Json(new
        {
            name,
            latest = versions[^1].Version,
            version,
            versions = versions.Select(v => new { version = v.Version, size = v.Size, published = v.Published, source = SourceJson(v.Source) }).ToList(),
            kernel = notebook.KernelName,
            // As stored at publish (bounded work there); derived again only for versions published before descriptions were kept.
            description = versions.FirstOrDefault(v => v.Version == version)?.Description ?? NotebookDescription.Of(notebook),
            schema = ParameterSchema.Infer(notebook).ToJson(),
            // What a run of it gets for what a request leaves out: the run form shows these instead of holding its own.
            runDefaults = Orchestration.Runs.RunDefaults.Json,
        }, ApiJson.Options);
    });

    private static List<object> Warnings(IEnumerable<LintWarning> warnings) =>
        warnings.Select(w => (object)new { code = w.Code, message = w.Message, cell = w.CellIndex, cellId = w.CellId }).ToList();

    /// <summary>?dryRun=true or false; anything else is refused rather than read as either.</summary>
    private static bool DryRun(HttpRequest request) => request.Query["dryRun"].FirstOrDefault() switch
    {
        null => false,
        "true" => true,
        "false" => false,
        var other => throw ApiException.BadRequest($"'dryRun' must be true or false, not '{other}'", "dryRun"),
    };

    internal static object? SourceJson(NotebookSource? source) =>
        source is null ? null : new { commit = source.Commit, path = source.Path, dirty = source.Dirty };

    /// <summary>The source the publisher sent: none, or all three headers, each valid; anything else is a 400 naming the header.</summary>
    internal static NotebookSource? ReadSource(HttpRequest request)
    {
        var commit = SingleHeader(request, SourceCommitHeader);
        var path = SingleHeader(request, SourcePathHeader);
        var dirty = SingleHeader(request, SourceDirtyHeader);
        if (commit is null && path is null && dirty is null) return null;
        if (commit is null || path is null || dirty is null)
        {
            var missing = commit is null ? SourceCommitHeader : path is null ? SourcePathHeader : SourceDirtyHeader;
            throw ApiException.BadRequest($"the notebook's source is given by {SourceCommitHeader}, {SourcePathHeader} and {SourceDirtyHeader} together; {missing} is missing", missing);
        }

        try
        {
            return new NotebookSource(commit, Uri.UnescapeDataString(path), NotebookSource.ParseDirty(dirty));
        }
        catch (NotebookSourceException e)
        {
            var header = e.Field switch { "commit" => SourceCommitHeader, "path" => SourcePathHeader, _ => SourceDirtyHeader };
            throw ApiException.BadRequest($"header {header}: {e.Message}", header);
        }
    }

    private static string? SingleHeader(HttpRequest request, string header)
    {
        var values = request.Headers[header];
        if (values.Count > 1) throw ApiException.BadRequest($"header {header} was sent {values.Count} times; send it once", header);
        return values.Count == 0 ? null : values[0];
    }

    private static object FindingJson(SecretFinding f) =>
        new { rule = f.Rule, description = f.Description, cell = f.CellIndex, cellId = f.CellId, location = f.Location, line = f.Line, masked = f.Masked };

    private static void CheckName(string name)
    {
        if (NotebookStore.NameProblem(name) is { } problem) throw ApiException.BadRequest(problem, "name");
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpRequest request, long limit, string name)
    {
        var bytes = await RequestBody.ReadLimitedAsync(request, limit, size => TooLarge(name, size, limit));
        if (bytes.Length == 0) throw ApiException.BadRequest($"notebook '{name}': the request body is empty; send the .ipynb file as the body", "body");
        return bytes;
    }

    private static ApiException TooLarge(string name, long? size, long limit) =>
        new(413, "Notebook too large", $"notebook '{name}' is {(size is null ? "larger than" : $"{size} bytes, over")} the limit of {limit} bytes; keep data out of the notebook (read it from the run's input)",
            new Dictionary<string, object?> { ["limit"] = limit });
}
