using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// The continuation tokens a run listing hands out: the backend's own token wrapped with the filters it was issued
/// for, so a garbled token, or one reused with other filters, is refused by name instead of silently listing nothing.
/// </summary>
internal static class PageTokens
{
    private sealed record Token(string T, string? N, string? S, string? P = null);

    public static string? Wrap(string? backendToken, RunQuery query) =>
        backendToken is null ? null : Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Token(backendToken, query.Notebook, query.Status, query.Pipeline)));

    /// <exception cref="RunRefusalException">The token was not issued by a listing, or for other filters.</exception>
    public static string? Unwrap(RunQuery query)
    {
        if (query.ContinuationToken is not { } text) return null;
        Token? token;
        try
        {
            token = JsonSerializer.Deserialize<Token>(Base64Url.DecodeFromChars(text));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            token = null;
        }

        if (token?.T is null) throw RunRefusalException.Invalid("'continuationToken' is not a token a run listing gave out; start again without it", "continuationToken");
        if (token.N != query.Notebook || token.P != query.Pipeline || !string.Equals(token.S, query.Status, StringComparison.OrdinalIgnoreCase))
            throw RunRefusalException.Invalid("'continuationToken' was given out for a listing with other filters (notebook, pipeline, status); use the same filters, or start again without it", "continuationToken");
        return token.T;
    }
}
