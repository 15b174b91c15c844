using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace NotebookFunctions.Core.Secrets;

/// <summary>
/// Secrets from Azure Key Vault, read with the app's managed identity (DefaultAzureCredential; a user-assigned
/// identity's client id when given). Key Vault names allow letters, digits and '-', so a run's DB_PASSWORD is read
/// as the vault secret DB-PASSWORD.
/// </summary>
public sealed partial class KeyVaultSecretSource(SecretClient client) : ISecretSource
{
    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$")]
    private static partial Regex VaultName();

    public Uri VaultUri => client.VaultUri;

    public static KeyVaultSecretSource Create(Uri vaultUri, string? managedIdentityClientId = null, TokenCredential? credential = null, SecretClientOptions? options = null)
    {
        credential ??= new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = managedIdentityClientId });
        options ??= new SecretClientOptions();
        options.Retry.MaxRetries = Math.Max(options.Retry.MaxRetries, 4);
        return new KeyVaultSecretSource(new SecretClient(vaultUri, credential, options));
    }

    /// <summary>The vault's name for a secret name: '_' becomes '-'; anything else outside [0-9A-Za-z-] is refused.</summary>
    public static string ToVaultName(string name)
    {
        var vaultName = name.Replace('_', '-');
        if (!VaultName().IsMatch(vaultName))
            throw new ArgumentException($"secret name '{name}' cannot be a Key Vault secret name (letters, digits, '-' or '_', at most 127)", nameof(name));
        return vaultName;
    }

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.GetSecretAsync(ToVaultName(name), cancellationToken: cancellationToken);
            return secret.Value.Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
