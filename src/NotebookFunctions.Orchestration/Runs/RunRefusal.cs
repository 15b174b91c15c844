using NotebookFunctions.Core.Chunks;
using NotebookFunctions.Core.Notebooks;
using NotebookFunctions.Core.Parameters;
using NotebookFunctions.Core.Secrets;

namespace NotebookFunctions.Orchestration.Runs;

/// <summary>What kind of refusal: every door maps it (HTTP to a status, nbf to an exit code).</summary>
public enum RunRefusalKind
{
    /// <summary>The request is wrong: a field, a parameter, a secret name, the input.</summary>
    Invalid,

    /// <summary>What it names does not exist: a notebook, a version, a run.</summary>
    NotFound,

    /// <summary>The run is not in a state that allows it: already ended, not finished, input changed since.</summary>
    Conflict,
}

/// <summary>
/// A refusal of the run service, in domain terms: a kind, a short title, a detail naming what was wrong and where, the
/// request field it is about (JSON names: "input.container", "parameters.scale", "secrets"), and extra members a
/// client can act on. Never HTTP-shaped: the API and nbf each translate it.
/// </summary>
public sealed class RunRefusalException(RunRefusalKind kind, string title, string detail, string? field = null, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(detail)
{
    public RunRefusalKind Kind { get; } = kind;

    public string Title { get; } = title;

    public string? Field { get; } = field;

    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static RunRefusalException Invalid(string detail, string? field) => new(RunRefusalKind.Invalid, "Invalid request", detail, field);

    public static RunRefusalException NotFound(string detail, string? field = null) => new(RunRefusalKind.NotFound, "Not found", detail, field);

    public static RunRefusalException Conflict(string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(RunRefusalKind.Conflict, title, detail, null, extensions);

    /// <summary>
    /// The refusal an exception of the layers below means, or null when it is not a refusal (a bug or an outage).
    /// The one translation of Core's errors (bad notebook, parameters, input, secret) that every door shares.
    /// </summary>
    public static RunRefusalException? From(Exception e) => e switch
    {
        RunRefusalException refusal => refusal,
        ParameterException p => new(RunRefusalKind.Invalid, "Invalid parameters", p.Message, p.Problems.Count > 0 ? $"parameters.{p.Problems[0].Parameter}" : "parameters",
            new Dictionary<string, object?> { ["parameters"] = p.Problems.Select(x => new { parameter = x.Parameter, message = x.Message }).ToList() }),
        NotebookFormatException n => new(RunRefusalKind.Invalid, "Invalid notebook", n.Message, "notebook", new Dictionary<string, object?>
        {
            ["notebook"] = n.Source,
            ["problems"] = n.Problems.Select(x => new { message = x.Message, cell = x.CellIndex, cellId = x.CellId, field = x.Field }).ToList(),
        }),
        ChunkPlanningException c => new(RunRefusalKind.Invalid, "Invalid input", c.Message, "input"),
        SecretNotFoundException s => new(RunRefusalKind.Invalid, "Unknown secret", s.Message, "secrets", new Dictionary<string, object?> { ["secret"] = s.SecretName }),
        _ => null,
    };
}
