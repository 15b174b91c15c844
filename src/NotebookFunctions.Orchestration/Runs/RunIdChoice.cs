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

    public static RunIdChoice FromKey(string key) => new() { IdempotencyKey = key };

    public static RunIdChoice Exactly(string id) => new() { ExactId = id };

    /// <summary>The id for a run of <paramref name="notebook"/>, refusing a key or id outside the allowed shape.</summary>
    internal string For(string notebook, DateTimeOffset now)
    {
        if (ExactId is not null)
        {
            if (RunIds.Problem(ExactId) is { } problem) throw RunRefusalException.Invalid(problem, "runId");
            return ExactId;
        }

        if (IdempotencyKey is null || IdempotencyKey.Trim().Length == 0) return RunIds.New(notebook, now);
        if (IdempotencyKey.Length > 200) throw RunRefusalException.Invalid("the idempotency key is longer than 200 characters", "Idempotency-Key");
        return RunIds.ForIdempotencyKey(notebook, IdempotencyKey);
    }
}
