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

    private readonly Regex? _pattern;
    private readonly List<byte[]> _binaryForms;

    private SecretRedactor(IReadOnlyCollection<string> forms)
    {
        Forms = forms;
        _pattern = forms.Count == 0
            ? null
            : new Regex(string.Join("|", forms.OrderByDescending(f => f.Length).Select(Regex.Escape)), RegexOptions.CultureInvariant);
        _binaryForms = forms.Select(Encoding.UTF8.GetBytes).Where(b => b.Length >= MinimumLength).ToList();
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

        var changed = false;
        foreach (var form in _binaryForms)
        {
            for (var at = bytes.AsSpan().IndexOf(form); at >= 0; at = IndexFrom(bytes, form, at + form.Length))
            {
                bytes.AsSpan(at, form.Length).Fill((byte)'*');
                changed = true;
            }
        }

        if (changed) await File.WriteAllBytesAsync(path, bytes, cancellationToken);
        return changed;
    }

    private static int IndexFrom(byte[] bytes, byte[] form, int from)
    {
        if (from >= bytes.Length) return -1;
        var found = bytes.AsSpan(from).IndexOf(form);
        return found < 0 ? -1 : from + found;
    }
}
