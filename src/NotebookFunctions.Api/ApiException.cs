namespace NotebookFunctions.Api;

/// <summary>
/// A request the API refuses, answered as RFC 7807 problem details: the status, a short title, a detail naming
/// what was wrong and where, and extension members (field, cell, parameter, findings) a client can act on.
/// </summary>
public sealed class ApiException(int status, string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static ApiException BadRequest(string detail, string? field = null) =>
        new(400, "Invalid request", detail, field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    public static ApiException NotFound(string detail) => new(404, "Not found", detail);
}
