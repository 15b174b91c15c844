using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace NotebookFunctions.Api;

/// <summary>
/// How request bodies are read: strictly. A member the request model does not have is refused by name (with the
/// nearest known name when it looks misspelled), numbers are numbers, and every error speaks in the JSON names a
/// caller wrote, never in .NET type names.
/// </summary>
public static partial class RequestJson
{
    public static JsonSerializerOptions Options { get; } = new(ApiJson.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Reads a JSON body as <typeparamref name="T"/>, refusing it with a 400 naming the field that is wrong.</summary>
    public static async Task<T> ReadAsync<T>(Stream body, string what, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(body, Options, cancellationToken)
                ?? throw ApiException.BadRequest($"the {what} body is empty; a JSON object is required", "body");
        }
        catch (JsonException e)
        {
            throw Describe(typeof(T), what, e);
        }
    }

    /// <summary>
    /// A body that is a JSON document the service reads on its own terms (a pipeline definition): a JSON object parsed
    /// strictly (no comments, trailing commas or member written twice), else a 400 naming 'body'.
    /// </summary>
    public static JsonObject ParseObject(byte[] body, string what)
    {
        if (body.Length == 0) throw ApiException.BadRequest($"the {what} body is empty; a JSON object is required", "body");
        JsonNode? node;
        try
        {
            using var stream = new MemoryStream(body);
            node = JsonNode.Parse(stream, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw Describe(typeof(JsonObject), what, e);
        }

        return node as JsonObject
            ?? throw ApiException.BadRequest($"the {what} body must be a JSON object, not {(node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant())}", "body");
    }

    /// <summary>The refusal a deserialization error means, in the caller's terms.</summary>
    internal static ApiException Describe(Type model, string what, JsonException e)
    {
        var segments = Segments(e.Path);
        if (UnmappedMember().Match(e.Message) is { Success: true } unmapped)
        {
            var name = unmapped.Groups["name"].Value;
            // The path may or may not already end with the unknown member.
            var owner = segments.Count > 0 && segments[^1] == name ? segments[..^1] : segments;
            // Named as the caller wrote it, list positions included (notify[0].urll), while types are looked up without them.
            var written = WrittenSegments(e.Path);
            var writtenOwner = written.Count == segments.Count ? (segments.Count > 0 && segments[^1] == name ? written[..^1] : written) : owner;
            var field = string.Join('.', writtenOwner.Append(name));
            var known = TypeAt(model, owner) is { } type ? JsonNames(type) : [];
            var nearest = Core.Notebooks.NearestName.To(name, known);
            var hint = nearest is not null ? $"; did you mean '{string.Join('.', writtenOwner.Append(nearest))}'?" : known.Count > 0 ? $"; known fields here: {string.Join(", ", known)}" : string.Empty;
            return ApiException.BadRequest($"the {what} has an unknown field '{field}'{hint}", field);
        }

        var at = string.Join('.', segments);
        if (e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) || e.Message.StartsWith("a size is", StringComparison.Ordinal))
        {
            var expected = e.Message.StartsWith("a size is", StringComparison.Ordinal) ? "text such as \"64MB\" or a whole number of bytes" : Expected(TypeAt(model, segments));
            return ApiException.BadRequest($"'{at}' in the {what} must be {expected}", at.Length == 0 ? "body" : at);
        }

        var where = e.LineNumber is { } line ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : string.Empty;
        var reason = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd(' ', '|');
        // Broken JSON is the body's fault as a whole, wherever the parser gave up.
        return ApiException.BadRequest($"the {what} body is not valid JSON{where}: {reason}", "body");
    }

    /// <summary>"$.input.prefx" or "$.secrets[0]" → ["input", "prefx"] / ["secrets"].</summary>
    private static List<string> Segments(string? path) =>
        (path ?? "$").TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => Index().Replace(s, string.Empty).Trim('\'', '[', ']'))
            .Where(s => s.Length > 0)
            .ToList();

    /// <summary>"$.notify[0].urll" → ["notify[0]", "urll"]: the path's members with their list positions.</summary>
    private static List<string> WrittenSegments(string? path) =>
        (path ?? "$").TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Trim('\'').Replace("['", string.Empty, StringComparison.Ordinal).Replace("']", string.Empty, StringComparison.Ordinal))
            .Where(s => s.Length > 0)
            .ToList();

    private static Type? TypeAt(Type root, IEnumerable<string> segments)
    {
        Type? type = root;
        foreach (var segment in segments)
        {
            type = Unwrap(type);
            if (type is null || type == typeof(JsonObject) || type == typeof(JsonNode)) return null;
            type = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(JsonNamingPolicy.CamelCase.ConvertName(p.Name), segment, StringComparison.OrdinalIgnoreCase))?.PropertyType;
        }

        return type;
    }

    private static List<string> JsonNames(Type type) =>
        (Unwrap(type) ?? type).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .ToList();

    /// <summary>The element of a list, the value of a nullable.</summary>
    private static Type? Unwrap(Type? type)
    {
        if (type is null) return null;
        if (Nullable.GetUnderlyingType(type) is { } inner) return inner;
        if (type != typeof(string) && type.IsGenericType && type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)))
            return type.GetGenericArguments()[0];
        return type;
    }

    private static string Expected(Type? type)
    {
        var list = type is not null && type != typeof(string) && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>);
        var inner = Unwrap(type);
        var one = inner switch
        {
            null => "a different kind of value",
            _ when inner == typeof(int) || inner == typeof(long) => "a whole number",
            _ when inner == typeof(double) => "a number",
            _ when inner == typeof(bool) => "true or false",
            _ when inner == typeof(string) => "text (a JSON string)",
            _ => "an object",
        };
        if (!list) return one;
        // "an object" → "a list of objects": the article goes, whichever it is; strings are named as JSON names them.
        return inner == typeof(string) ? "a list of JSON strings"
            : $"a list of {(one.StartsWith("an ", StringComparison.Ordinal) ? one[3..] : one.StartsWith("a ", StringComparison.Ordinal) ? one[2..] : one)}s";
    }

    [GeneratedRegex(@"The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Index();
}
