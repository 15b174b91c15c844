namespace NotebookFunctions.Core.Secrets;

/// <summary>The secret sources a host uses, in the order they are asked: Key Vault, the environment, a local settings file.</summary>
public static class SecretSources
{
    /// <param name="keyVaultUri">The vault (https://NAME.vault.azure.net/); none when null or empty.</param>
    /// <param name="managedIdentityClientId">A user-assigned identity's client id; the system identity (or the developer's login) when null.</param>
    /// <param name="localSettingsPath">A local.settings.json whose "Values" are read last; none when null.</param>
    /// <param name="includeEnvironment">
    /// Whether this process's environment variables may be named as secrets: yes on a developer's machine, never on a
    /// hosted backend, whose environment holds the platform's own (identity endpoint and header, connection strings).
    /// </param>
    public static ISecretSource Create(string? keyVaultUri, string? managedIdentityClientId, string? localSettingsPath, bool includeEnvironment = true)
    {
        var sources = new List<ISecretSource>();
        if (!string.IsNullOrWhiteSpace(keyVaultUri))
        {
            if (!Uri.TryCreate(keyVaultUri, UriKind.Absolute, out var vault) || vault.Scheme != Uri.UriSchemeHttps)
                throw new ArgumentException($"the Key Vault URI '{keyVaultUri}' must be an https:// URL such as https://my-vault.vault.azure.net/", nameof(keyVaultUri));
            sources.Add(KeyVaultSecretSource.Create(vault, managedIdentityClientId));
        }

        if (includeEnvironment) sources.Add(new EnvironmentSecretSource());
        if (localSettingsPath is not null) sources.Add(new LocalSettingsSecretSource(localSettingsPath));
        return sources.Count == 1 ? sources[0] : new CompositeSecretSource(sources);
    }

    /// <summary>nbf's sources: NBF_KEY_VAULT_URI (with AZURE_CLIENT_ID), the environment, ./local.settings.json.</summary>
    public static ISecretSource ForLocalHost() => Create(
        Environment.GetEnvironmentVariable("NBF_KEY_VAULT_URI"),
        Environment.GetEnvironmentVariable("AZURE_CLIENT_ID"),
        Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json"));
}
