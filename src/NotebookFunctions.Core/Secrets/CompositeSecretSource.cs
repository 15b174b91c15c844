namespace NotebookFunctions.Core.Secrets;

/// <summary>Asks several sources in order; the first that knows a name answers (e.g. Key Vault, then the environment).</summary>
public sealed class CompositeSecretSource(IReadOnlyList<ISecretSource> sources) : ISecretSource
{
    public IReadOnlyList<ISecretSource> Sources { get; } = sources;

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var source in Sources)
        {
            if (await source.GetAsync(name, cancellationToken) is { } value) return value;
        }

        return null;
    }
}
