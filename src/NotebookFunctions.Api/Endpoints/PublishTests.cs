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
/// </summary>
public sealed class PublishTests(BlobServiceClient blobs, NotebookExecutor executor, ISecretSource secrets)
{
    /// <summary>Kernels the gate runs at once; publishing is rare, and runs share the host.</summary>
    private const int Parallel = 2;

    /// <summary>?requireTests=true or false; anything else is refused rather than read as either.</summary>
    public static bool Required(HttpRequest request) => request.Query["requireTests"].FirstOrDefault() switch
    {
        null => false,
        "true" => true,
        "false" => false,
        var other => throw ApiException.BadRequest($"'requireTests' must be true or false, not '{other}'", "requireTests"),
    };

    /// <exception cref="ApiException">400 for tests that cannot be used (naming the field), 422 for no tests or failing ones.</exception>
    public async Task CheckAsync(string name, byte[] bytes, Notebook notebook, CancellationToken cancellationToken)
    {
        JsonTests(notebook, name, out var carried);
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

            using var session = new TestSession(executor, secrets, Parallel) { CaseTimeout = TimeSpan.FromMinutes(5) };
            var results = await new NotebookTestRunner(session, new TestRunOptions()).RunAsync([suite], null, cancellationToken);
            if (results.All(r => r.Outcome == TestOutcome.Skipped))
            {
                throw new ApiException(422, "No tests", $"requireTests=true, but notebook '{name}' carries no tests: no saved outputs to compare and no cases in {CarriedTests.MetadataPath}",
                    new Dictionary<string, object?> { ["notebook"] = name, ["field"] = "requireTests" });
            }

            var failed = results.Where(r => r.Outcome is TestOutcome.Failed or TestOutcome.Error).ToList();
            if (failed.Count == 0) return;
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
        }
    }

    private static void JsonTests(Notebook notebook, string name, out System.Text.Json.Nodes.JsonObject? carried) =>
        carried = Read(() => CarriedTests.Of(notebook, name));

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
                await blobs.GetBlobContainerClient(container).GetBlobClient(blob).DownloadToAsync(target, cancellationToken);
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
