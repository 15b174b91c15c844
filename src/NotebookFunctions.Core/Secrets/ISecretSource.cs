namespace NotebookFunctions.Core.Secrets;

/// <summary>Resolves secret names to values at the last moment, in the worker that starts the kernel.</summary>
public interface ISecretSource
{
    /// <summary>The value, or null when this source does not know the name.</summary>
    Task<string?> GetAsync(string name, CancellationToken cancellationToken);
}

/// <summary>Secrets from the host's environment variables (the local default).</summary>
public sealed class EnvironmentSecretSource : ISecretSource
{
    public Task<string?> GetAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(Environment.GetEnvironmentVariable(name));
}

/// <summary>A named secret could not be resolved; the message names it, never a value.</summary>
public sealed class SecretNotFoundException(string name) : Exception($"secret '{name}' was not found in any configured secret source")
{
    public string SecretName { get; } = name;
}

/// <summary>Resolves all of a run's secret names, failing on the first unknown one.</summary>
public static class SecretResolver
{
    public static async Task<Dictionary<string, string>> ResolveAsync(ISecretSource source, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
            values[name] = await source.GetAsync(name, cancellationToken) ?? throw new SecretNotFoundException(name);
        return values;
    }
}
