using System.Buffers.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using NotebookFunctions.Core.Storage;
using NotebookFunctions.Orchestration.Runs;

namespace NotebookFunctions.Api.Endpoints;

/// <summary>
/// GET /api/catalog?q=&amp;top=&amp;continuationToken=: published notebooks and pipelines in name order, each with its
/// description, latest version, when that was published and the status of its last run; searched by words in the
/// name or description, and paged by a token that names where the page ended.
/// </summary>
public sealed class CatalogApi(BlobServiceClient blobs, CatalogListing listing, TimeProvider clock, Core.Secrets.ISecretSource? secrets = null)
{
    public const int DefaultTop = 25;
    public const int MaxTop = 100;

    /// <summary>Where a page ended (the name and kind of its last entry) and the search it belongs to.</summary>
    private sealed record Token(string Name, string Kind, string? Q);

    public Task<IResult> ListAsync(HttpRequest request, DurableTaskClient client) => ApiProblems.GuardAsync(request, async () =>
    {
        var cancel = request.HttpContext.RequestAborted;
        var q = request.Query["q"].FirstOrDefault()?.Trim() is { Length: > 0 } text ? text : null;
        if (q is { Length: > 200 }) throw ApiException.BadRequest("'q' is longer than 200 characters", "q");
        var top = Top(request.Query["top"].FirstOrDefault());
        var after = After(request.Query["continuationToken"].FirstOrDefault(), q);
        var words = q?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

        var entries = (await listing.GetAsync(cancel))
            .Where(e => words.All(w => e.Name.Contains(w, StringComparison.OrdinalIgnoreCase) || e.Latest.Description?.Contains(w, StringComparison.OrdinalIgnoreCase) == true))
            // After the last entry shown, in the order of the listing: by name, then kind (compared apart, so that
            // "sales-x" is never taken for coming before "sales").
            .Where(e => after is null || string.CompareOrdinal(e.Name, after.Name) > 0 || (e.Name == after.Name && string.CompareOrdinal(e.Kind, after.Kind) > 0))
            .Take(top + 1)
            .ToList();
        var page = entries.Take(top).ToList();
        var service = new RunService(blobs, client, secrets, clock);
        // The last runs of one page, looked up together: a page costs one listing and a lookup per entry shown.
        var lastRuns = await Task.WhenAll(page.Select(e => service.LatestAsync(e.Kind == "pipeline", e.Name, cancel)));
        var items = page.Select((e, i) => new
        {
            kind = e.Kind,
            name = e.Name,
            description = e.Latest.Description,
            latest = e.Latest.Version,
            versions = e.Versions,
            published = e.Latest.Published,
            lastRun = lastRuns[i] is { } run ? new { id = run.Id, status = run.Status, created = run.Created } : null,
        }).ToList();
        var next = entries.Count > top ? Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Token(page[^1].Name, page[^1].Kind, q))) : null;
        return Results.Json(new { items, continuationToken = next }, ApiJson.Options);
    });

    private static int Top(string? text)
    {
        if (text is null) return DefaultTop;
        return int.TryParse(text, out var top) && top is >= 1 and <= MaxTop ? top : throw ApiException.BadRequest($"'top' must be a number from 1 to {MaxTop}", "top");
    }

    private static Token? After(string? token, string? q)
    {
        if (token is null) return null;
        Token? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<Token>(Base64Url.DecodeFromChars(token));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            parsed = null;
        }

        if (parsed?.Name is null || parsed.Kind is null) throw ApiException.BadRequest("'continuationToken' is not a token the catalog gave out; start again without it", "continuationToken");
        if (parsed.Q != q) throw ApiException.BadRequest("'continuationToken' was given out for another search; search again without it", "continuationToken");
        return parsed;
    }
}
