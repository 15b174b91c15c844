using Azure;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using NotebookFunctions.Core.Execution;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Secrets;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Core.Testing;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>
/// The gate of PUT /api/notebooks/{name}?requireTests=true: before anything is stored, the notebook is re-executed
/// against its saved outputs and the cases it carries (<see cref="CarriedTests"/>) are run over their sample blobs,
/// on this backend's kernels; a notebook with no tests, or with a failing one, is refused (422) listing each failure.
/// Running a notebook is a Runner's right, so the caller needs that role as well as Publisher; carried tests may not
/// name secrets (a failing test's message would carry what the code made of them); and the gate is bounded: one
/// notebook's tests at a time, a capped number of cases and chunks, each execution within <see cref="ExecutionLimit"/>.
/// </summary>
public sealed class PublishTestGate(BlobServiceClient blobs, NotebookExecutor executor)
{
    /// <summary>Carried cases may not name secrets, so the gate's kernels get none: a source that knows no name.</summary>
    private static readonly ISecretSource NoSecrets = new CompositeSecretSource([]);

    /// <summary>Largest sample blob a carried case may name: it is downloaded to this host's temporary folder.</summary>
    public const long MaxSampleBytes = 256L << 20;

    /// <summary>Kernels the gate runs at once; publishing is rare, and runs share the host.</summary>
    private const int Parallel = 2;

    public const int MaxCases = 20;

    public const int MaxFanOutChunks = 8;

    /// <summary>Longest one execution of the gate may take, whatever a case's maxSeconds says.</summary>
    public static readonly TimeSpan ExecutionLimit = TimeSpan.FromMinutes(5);

    /// <summary>One notebook's tests at a time on this host; other publishes wait their turn.</summary>
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>?requireTests=true or false, given once; anything else is refused rather than read as either.</summary>
    public static bool Required(HttpRequest request) => request.Query["requireTests"] switch
    {
        { Count: 0 } => false,
        { Count: > 1 } => throw ApiException.BadRequest("'requireTests' is given more than once", "requireTests"),
        var one when one[0] == "true" => true,
        var one when one[0] == "false" => false,
        var other => throw ApiException.BadRequest($"'requireTests' must be true or false, not '{other[0]}'", "requireTests"),
    };

    /// <summary>Runs the tests; returns each one's outcome when all passed.</summary>
    /// <exception cref="ApiException">403 without the Runner role, 400 for tests that cannot be used (naming the field), 422 for no tests or failing ones.</exception>
    public async Task<List<object>> CheckAsync(HttpRequest request, string name, byte[] bytes, Notebook notebook, CancellationToken cancellationToken)
    {
        if (AccessControl.ClientPrincipal.Of(request.HttpContext) is { } caller && !caller.Roles.Contains(AccessControl.NotebookRoles.Runner))
        {
            throw new ApiException(403, "Forbidden", $"requireTests=true runs the notebook on this backend, which needs the role {AccessControl.NotebookRoles.Runner} as well; {caller.Name ?? "the caller"} has {string.Join(", ", caller.Roles.Order(StringComparer.Ordinal))}",
                new Dictionary<string, object?> { ["field"] = "requireTests" });
        }

        var carried = Read(() => CarriedTests.Of(notebook, name));
        if (carried is not null)
        {
            // Everything about the tests themselves is checked before this waits its turn or downloads a byte.
            CheckBounds(carried, name);
            Read(() =>
            {
                CarriedTests.Check(carried, name, notebook);
                return true;
            });
        }

        await _one.WaitAsync(cancellationToken);
        var work = ChunkWorkFolders.Create("publish-tests");
        try
        {
            var notebookPath = Path.Combine(work, "notebook", name + ".ipynb");
            Directory.CreateDirectory(Path.GetDirectoryName(notebookPath)!);
            await File.WriteAllBytesAsync(notebookPath, bytes, cancellationToken);
            var suite = new TestSuite { NotebookPath = notebookPath, DisplayName = name };
            if (carried is not null)
            {
                var downloaded = await DownloadInputsAsync(carried, name, Path.Combine(work, "inputs"), cancellationToken);
                suite = Read(() => CarriedTests.Read(carried, name, notebookPath, downloaded));
            }

            using var session = new TestSession(executor, NoSecrets, Parallel) { CaseTimeout = ExecutionLimit, ReduceLoader = LoadReduceAsync };
            var results = await new NotebookTestRunner(session, new TestRunOptions()).RunAsync([suite], null, cancellationToken);
            // A request given up on ends here: tests it interrupted count for nothing, and nothing is stored.
            cancellationToken.ThrowIfCancellationRequested();
            if (results.All(r => r.Outcome == TestOutcome.Skipped))
            {
                throw new ApiException(422, "No tests", $"requireTests=true, but notebook '{name}' carries no tests: no saved outputs to compare and no cases in {CarriedTests.MetadataPath}",
                    new Dictionary<string, object?> { ["notebook"] = name, ["field"] = "requireTests" });
            }

            var failed = results.Where(r => r.Outcome is TestOutcome.Failed or TestOutcome.Error).ToList();
            if (failed.Count == 0)
                return [.. results.Select(r => (object)new { test = r.Case, kind = r.Kind.ToString(), outcome = r.Outcome.ToString(), seconds = Math.Round(r.Duration.TotalSeconds, 3) })];
            var first = failed[0];
            throw new ApiException(422, "Tests failed",
                $"notebook '{name}' is not published: {failed.Count} of {results.Count} test(s) failed. First: [{first.Case}] {first.Failures.FirstOrDefault()?.Summary}",
                new Dictionary<string, object?>
                {
                    ["notebook"] = name,
                    ["failures"] = failed.SelectMany(r => r.Failures.Select(f => new
                    {
                        test = r.Case,
                        kind = r.Kind.ToString(),
                        outcome = r.Outcome.ToString(),
                        cell = f.CellIndex,
                        cellId = f.CellId,
                        executionCount = f.ExecutionCount,
                        message = f.Message,
                        detail = f.Detail,
                    })).Take(50).ToList(),
                });
        }
        finally
        {
            ChunkWorkFolders.Remove(work);
            _one.Release();
        }
    }

    /// <summary>Secrets are refused, and the gate's size capped, before anything is downloaded or started.</summary>
    private static void CheckBounds(System.Text.Json.Nodes.JsonObject carried, string name)
    {
        if (carried["cases"] is not System.Text.Json.Nodes.JsonArray cases) return;
        if (cases.Count > MaxCases)
            throw ApiException.BadRequest($"{name} carries {cases.Count} cases; the publish gate runs at most {MaxCases}", $"{CarriedTests.MetadataPath}.cases");
        for (var i = 0; i < cases.Count; i++)
        {
            if (cases[i] is not System.Text.Json.Nodes.JsonObject item) continue;
            if (item["secrets"] is not null)
            {
                throw ApiException.BadRequest("the publish gate runs with a publisher's rights, which do not read secrets: test cases that need them in a NAME.test.yaml with nbf test",
                    $"{CarriedTests.MetadataPath}.cases[{i}].secrets");
            }

            var chunks = item["fanout"] is System.Text.Json.Nodes.JsonObject spec ? spec["chunks"] : item["fanout"];
            if (Core.Notebooks.JsonNumbers.AsInt(chunks) is > MaxFanOutChunks)
                throw ApiException.BadRequest($"the publish gate cuts a sample into at most {MaxFanOutChunks} chunks", $"{CarriedTests.MetadataPath}.cases[{i}].fanout");
        }
    }

    /// <summary>A map's reduce, as the backend has it published: a file name is the name nbf publishes it under.</summary>
    private async Task<Notebook> LoadReduceAsync(NotebookReduce reduce, string map, CancellationToken cancellationToken)
    {
        var name = reduce.IsFile ? NotebookStore.NameFromPath(reduce.Notebook) : reduce.Notebook;
        var store = new NotebookStore(blobs);
        var version = reduce.Version ?? (await store.LatestAsync(name, cancellationToken))?.Version;
        var bytes = version is null ? null : await store.GetAsync(name, version, cancellationToken);
        if (bytes is null)
        {
            throw new NotebookFormatException(map, [new NotebookProblem(
                $"the reduce '{reduce.Notebook}' is not published here{(reduce.Version is null ? string.Empty : $" in version {reduce.Version}")} (as '{name}'): publish it first", Field: NotebookReduce.MetadataPath)]);
        }

        return NotebookReader.Parse(System.Text.Encoding.UTF8.GetString(bytes), $"{name}@{version}");
    }

    /// <summary>Each case's sample blob, downloaded once, under a folder of its own so that two of the same name do not meet.</summary>
    private async Task<Dictionary<string, string>> DownloadInputsAsync(System.Text.Json.Nodes.JsonObject carried, string name, string folder, CancellationToken cancellationToken)
    {
        var downloaded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, container, blob) in Read(() => CarriedTests.Inputs(carried, name)))
        {
            var given = $"{container}/{blob}";
            if (downloaded.ContainsKey(given)) continue;
            if (Orchestration.Runs.RunValidator.InputContainerProblem(container) is { } problem) throw ApiException.BadRequest($"{given}: {problem}", field);
            var target = Path.Combine(folder, downloaded.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.GetFileName(blob));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                var client = blobs.GetBlobContainerClient(container).GetBlobClient(blob);
                var properties = await client.GetPropertiesAsync(cancellationToken: cancellationToken);
                if (properties.Value.ContentLength > MaxSampleBytes)
                    throw ApiException.BadRequest($"the sample input blob '{given}' is {properties.Value.ContentLength:N0} bytes; the publish gate takes samples of at most {MaxSampleBytes >> 20} MiB", field);
                // The version checked is the version read.
                await client.DownloadToAsync(target, new Azure.Storage.Blobs.Models.BlobDownloadToOptions { Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfMatch = properties.Value.ETag } }, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 400)
            {
                throw ApiException.BadRequest($"the sample input blob '{given}' does not exist in this backend's storage", field);
            }

            downloaded[given] = target;
        }

        return downloaded;
    }

    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (TestFileException e)
        {
            throw ApiException.BadRequest(e.Message, e.Field);
        }
    }
}
