using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotebookFunctions.Core.Notebooks;

namespace NotebookFunctions.Core.Secrets;

/// <summary>
/// Replaces every resolved secret value with <see cref="Mask"/> before anything leaves the worker: executed notebooks,
/// files for merging, error records kept in orchestration history, log lines and telemetry. Besides the value itself
/// it finds the forms a notebook commonly turns it into: base64 (standard and URL-safe, at any alignment inside a
/// longer base64 text), URL encoding (%XX and form '+'), and JSON string escaping.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "***";

    /// <summary>Shorter values are not redacted (masking every "ab" in every output would destroy it); the run is told.</summary>
    public const int MinimumLength = 4;

    /// <summary>Files up to this size are redacted in memory; larger ones are streamed in blocks of this size.</summary>
    public const int InMemoryLimit = 16 * 1024 * 1024;

    private readonly Regex? _pattern;
    private readonly Regex? _bytePattern;
    private readonly int _longestFormBytes;

    private SecretRedactor(IReadOnlyCollection<string> forms)
    {
        Forms = forms;
        _pattern = forms.Count == 0
            ? null
            : new Regex(string.Join("|", forms.OrderByDescending(f => f.Length).Select(Regex.Escape)), RegexOptions.CultureInvariant);
        var byteForms = forms.Select(Encoding.UTF8.GetBytes).Where(b => b.Length >= MinimumLength).ToList();
        _longestFormBytes = byteForms.Count == 0 ? 0 : byteForms.Max(b => b.Length);
        // The forms' UTF-8 bytes as Latin-1 text: one char per byte, so a regex finds byte sequences in any file.
        _bytePattern = byteForms.Count == 0
            ? null
            : new Regex(string.Join("|", byteForms.OrderByDescending(b => b.Length).Select(b => Regex.Escape(Encoding.Latin1.GetString(b)))), RegexOptions.CultureInvariant);
    }

    /// <summary>A redactor that changes nothing (no secrets in this run).</summary>
    public static SecretRedactor None { get; } = new([]);

    /// <summary>Every form searched for, longest first in matching.</summary>
    public IReadOnlyCollection<string> Forms { get; }

    public bool IsEmpty => _pattern is null;

    public static SecretRedactor For(IEnumerable<string> secretValues)
    {
        var forms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in secretValues.Where(v => v.Length >= MinimumLength))
        {
            forms.Add(value);
            forms.Add(Uri.EscapeDataString(value));
            forms.Add(System.Net.WebUtility.UrlEncode(value));
            // As json.dumps and most JSON writers escape it inside a string.
            forms.Add(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal));
            foreach (var encoded in Base64Cores(Encoding.UTF8.GetBytes(value)))
            {
                forms.Add(encoded);
                forms.Add(encoded.Replace('+', '-').Replace('/', '_'));
            }
        }

        forms.RemoveWhere(f => f.Length < MinimumLength);
        return new SecretRedactor(forms);
    }

    /// <summary>
    /// The base64 characters that depend only on the secret's bytes, for each of the three positions it can start
    /// at inside a longer encoded text: without them, base64("user:" + secret) would slip through.
    /// </summary>
    private static IEnumerable<string> Base64Cores(byte[] bytes)
    {
        for (var offset = 0; offset < 3; offset++)
        {
            var padded = new byte[offset + bytes.Length];
            bytes.CopyTo(padded, offset);
            var encoded = Convert.ToBase64String(padded).TrimEnd('=');
            // Characters touching a prefix byte or the unknown following bytes may differ in context: drop them.
            var start = offset == 0 ? 0 : (offset * 8 + 5) / 6;
            var end = (padded.Length * 8) / 6;
            if (offset == 0) yield return Convert.ToBase64String(bytes);
            if (end > start) yield return encoded[start..end];
        }
    }

    public string Redact(string text) => _pattern is null || text.Length == 0 ? text : _pattern.Replace(text, Mask);

    public string? RedactOrNull(string? text) => text is null ? null : Redact(text);

    /// <summary>Redacts every string in a JSON tree in place (an executed notebook's outputs, a result record).</summary>
    public void RedactInPlace(JsonNode? node)
    {
        if (_pattern is null || node is null) return;
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var child = obj[key];
                    if (child is JsonValue value && value.TryGetValue<string>(out var text)) obj[key] = Redact(text);
                    else RedactInPlace(child);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue<string>(out var text)) array[i] = Redact(text);
                    else RedactInPlace(array[i]);
                }

                break;
        }
    }

    /// <summary>The notebook with every output, source and metadata string redacted (a copy; the input is unchanged).</summary>
    public Notebook RedactNotebook(Notebook notebook)
    {
        if (_pattern is null) return notebook;
        var json = (JsonObject)notebook.ToJson().DeepClone();
        RedactInPlace(json);
        return NotebookReader.FromJson(json, "(redacted)");
    }

    /// <summary>
    /// Redacts a file in place: text files (valid UTF-8) in every form, anything else by overwriting the value's bytes
    /// with '*' of the same length, so a binary format keeps its offsets. Returns true when something was replaced.
    /// </summary>
    public async Task<bool> RedactFileAsync(string path, CancellationToken cancellationToken = default)
    {
        if (_pattern is null) return false;
        if (new FileInfo(path).Length > InMemoryLimit) return await RedactLargeFileAsync(path, cancellationToken);
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        string? text = null;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Binary: handled below.
        }

        if (text is not null)
        {
            var redacted = Redact(text);
            if (ReferenceEquals(redacted, text) || redacted == text) return false;
            await File.WriteAllTextAsync(path, redacted, new UTF8Encoding(false), cancellationToken);
            return true;
        }

        var raw = Encoding.Latin1.GetString(bytes);
        var masked = MaskBytes(raw, sameLength: true);
        if (masked == raw) return false;
        await File.WriteAllBytesAsync(path, Encoding.Latin1.GetBytes(masked), cancellationToken);
        return true;
    }

    /// <summary>
    /// Masks the forms in bytes held as Latin-1 text (one char per byte): "***", or '*' of the same length so a binary
    /// format keeps its offsets.
    /// </summary>
    private string MaskBytes(string latin1, bool sameLength) =>
        _bytePattern is null ? latin1 : _bytePattern.Replace(latin1, m => sameLength ? new string('*', m.Length) : Mask);

    /// <summary>
    /// A file too large to hold: streamed block by block into a temp file that replaces it, keeping the last
    /// (longest form - 1) bytes of each block for the next, so a value split across blocks is still found. Text files
    /// (no NUL in the first 64 KiB) get "***"; others same-length '*'. Forms are matched as UTF-8 bytes.
    /// </summary>
    private async Task<bool> RedactLargeFileAsync(string path, CancellationToken cancellationToken)
    {
        var temp = path + ".redacting";
        var changed = false;
        await using (var input = File.OpenRead(path))
        await using (var output = File.Create(temp))
        {
            var head = new byte[Math.Min(65536, (int)Math.Min(input.Length, int.MaxValue))];
            await input.ReadExactlyAsync(head, cancellationToken);
            input.Position = 0;
            var binary = head.AsSpan().Contains((byte)0);
            var carry = string.Empty;
            var block = new byte[InMemoryLimit];
            int read;
            while ((read = await input.ReadAtLeastAsync(block, block.Length, throwOnEndOfStream: false, cancellationToken)) > 0)
            {
                var text = carry + Encoding.Latin1.GetString(block, 0, read);
                var redacted = MaskBytes(text, sameLength: binary);
                changed |= !ReferenceEquals(redacted, text) && redacted != text;
                var atEnd = read < block.Length;
                // Hold back a tail that could be the start of a value continuing in the next block.
                var keep = atEnd ? 0 : Math.Min(_longestFormBytes - 1, redacted.Length);
                var emit = redacted.Length - keep;
                await output.WriteAsync(Encoding.Latin1.GetBytes(redacted[..emit]), cancellationToken);
                carry = redacted[emit..];
            }

            if (carry.Length > 0) await output.WriteAsync(Encoding.Latin1.GetBytes(carry), cancellationToken);
        }

        if (changed) File.Move(temp, path, overwrite: true);
        else File.Delete(temp);
        return changed;
    }
}
