using System.Globalization;
using System.Text;
using System.Text.Json;
using NotebookFunctions.Orchestration.Models;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>What one attempt at a chunk came to, as its executed notebook's metadata says.</summary>
public sealed record ChunkOutcome(int Attempt, bool Succeeded, ChunkError? Error);

/// <summary>
/// A chunk's outcome kept as blob metadata: the attempt number on a marker when an attempt starts, and the attempt,
/// status and error (cell, exception, value) on the executed notebook, written with it in one upload. A run's view
/// reads them from one listing of the run's chunks while the run goes on, long before the manifest exists.
/// Metadata travels as HTTP headers (ASCII, 8 KB in all), so the error goes as base64 JSON, its texts shortened
/// further than the record's (<see cref="Models.ChunkError.MaxValueLength"/>, what the manifest keeps); the executed
/// notebook has them whole. The error given is the one the manifest keeps: already redacted.
/// </summary>
public static class ChunkOutcomeMetadata
{
    // Blob metadata keys are C# identifiers, compared without case; lower case is how storage lists them.
    private const string AttemptKey = "nbfattempt";
    private const string StatusKey = "nbfstatus";
    private const string ErrorKey = "nbferror";
    private const string Succeeded = "succeeded";
    private const string Failed = "failed";

    /// <summary>Longest exception name or value kept in metadata (a traceback's value can be long; the notebook has it all).</summary>
    public const int MaxTextLength = 1000;

    /// <summary>The marker's metadata when attempt <paramref name="attempt"/> starts.</summary>
    public static Dictionary<string, string> Started(int attempt) => new() { [AttemptKey] = attempt.ToString(CultureInfo.InvariantCulture) };

    /// <summary>The executed notebook's metadata: succeeded when <paramref name="error"/> is null, else failed with it.</summary>
    public static Dictionary<string, string> Finished(int attempt, ChunkError? error)
    {
        var metadata = Started(attempt);
        metadata[StatusKey] = error is null ? Succeeded : Failed;
        if (error is not null)
        {
            var shortened = error with { EName = Shorten(error.EName), EValue = Shorten(error.EValue), CellId = error.CellId is { } id ? Shorten(id) : null };
            metadata[ErrorKey] = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(shortened));
        }

        return metadata;
    }

    /// <summary>The attempt a marker or a notebook names; null when it names none (written before outcomes were kept).</summary>
    public static int? AttemptOf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(AttemptKey, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var attempt) ? attempt : null;

    /// <summary>The outcome an executed notebook's metadata records, or null when it records none or cannot be read.</summary>
    public static ChunkOutcome? Read(IReadOnlyDictionary<string, string> metadata)
    {
        if (AttemptOf(metadata) is not { } attempt || !metadata.TryGetValue(StatusKey, out var status)) return null;
        if (status == Succeeded) return new ChunkOutcome(attempt, true, null);
        if (status != Failed) return null;
        ChunkError? error = null;
        if (metadata.TryGetValue(ErrorKey, out var encoded))
        {
            try
            {
                error = JsonSerializer.Deserialize<ChunkError>(Convert.FromBase64String(encoded));
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                // Metadata someone else changed: the chunk still failed; the notebook and the manifest say why.
            }
        }

        return new ChunkOutcome(attempt, false, error);
    }

    private static string Shorten(string text)
    {
        if (text.Length <= MaxTextLength) return text;
        // Never cut a surrogate pair in half: the JSON would carry a lone surrogate.
        var cut = char.IsHighSurrogate(text[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength;
        return new StringBuilder(text, 0, cut, cut + 1).Append('…').ToString();
    }
}
