namespace NotebookFunctions.Orchestration.Runs;

/// <summary>
/// How a new run's id is chosen: fresh, from an idempotency key (a retried POST finds the first run), or exactly as
/// given (a schedule occurrence, a blob arrival, <c>nbf run --run-id</c>). Deterministic ids make a trigger delivered
/// twice find the run it already started.
/// </summary>
public sealed record RunIdChoice
{
    private RunIdChoice()
    {
    }

    public string? IdempotencyKey { get; private init; }

    public string? ExactId { get; private init; }

    public static RunIdChoice Fresh { get; } = new();

    /// <exception cref="RunRefusalException">The key is not 1 to 200 printable ASCII characters (it travels as an HTTP header).</exception>
    public static RunIdChoice FromKey(string key) =>
        key.Length > 200 || key.Trim().Length == 0 || key.Any(c => c is < ' ' or > '~')
            ? throw RunRefusalException.Invalid("an idempotency key is 1 to 200 printable ASCII characters, not only spaces", "Idempotency-Key")
            : new() { IdempotencyKey = key };

    public static RunIdChoice Exactly(string id) => new() { ExactId = id };

    /// <summary>The id for a run of <paramref name="notebook"/>, refusing a key or id outside the allowed shape.</summary>
    internal string For(string notebook, DateTimeOffset now)
    {
        if (ExactId is not null)
        {
            if (RunIds.Problem(ExactId) is { } problem) throw RunRefusalException.Invalid(problem, "runId");
            return ExactId;
        }

        return IdempotencyKey is null ? RunIds.New(notebook, now) : RunIds.ForIdempotencyKey(notebook, IdempotencyKey);
    }
}
