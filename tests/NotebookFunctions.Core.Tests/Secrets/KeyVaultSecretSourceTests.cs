using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Secrets;

namespace NotebookFunctions.Core.Tests.Secrets;

/// <summary>
/// Key Vault cannot be had here, so a local HTTPS stand-in answers the vault's REST API, and a stand-in of the App
/// Service managed-identity endpoint issues the token. Everything between them is real: the SDK's challenge-based
/// authentication, Azure.Identity's ManagedIdentityCredential (with a user-assigned client id), retries, 404s.
/// </summary>
[Collection(nameof(ManagedIdentityEnvironment))]
public sealed class KeyVaultSecretSourceTests
{
    private const string ClientId = "0f3e1f5a-6a8b-4c1d-9e2f-3a4b5c6d7e8f";
    private const string IdentityHeader = "identity-header-value";
    private const string Token = "stand-in-access-token";

    [Fact]
    public async Task Secrets_are_read_with_a_managed_identity_token_from_the_vault_and_unknown_names_are_null()
    {
        using var certificate = SelfSigned();
        var tokenRequests = new List<string>();
        var vaultRequests = new List<string>();
        var app = StandIn(certificate, tokenRequests, vaultRequests);
        await app.StartAsync();
        try
        {
            var baseUri = new Uri(app.Urls.First());
            var vaultUri = new Uri($"https://127.0.0.1:{baseUri.Port}/");
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", $"https://127.0.0.1:{baseUri.Port}/msi/token");
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", IdentityHeader);
            var transport = new HttpClientTransport(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint });
            var credential = new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(ManagedIdentityId.FromUserAssignedClientId(ClientId)) { Transport = transport });
            var source = KeyVaultSecretSource.Create(vaultUri, credential: credential, options: new SecretClientOptions { Transport = transport, DisableChallengeResourceVerification = true });

            var value = await source.GetAsync("DB_PASSWORD", default);
            var missing = await source.GetAsync("NO_SUCH_SECRET", default);
            var composite = await new CompositeSecretSource([source, new EnvironmentSecretSource()]).GetAsync("PATH", default);

            Assert.Equal("from-the-vault", value);
            Assert.Null(missing);
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), composite);
            Assert.Contains(tokenRequests, r => r.Contains(ClientId, StringComparison.Ordinal) && Uri.UnescapeDataString(r).Contains("resource=https://vault.azure.net", StringComparison.Ordinal));
            Assert.Contains("GET /secrets/DB-PASSWORD/ anonymous", vaultRequests);
            Assert.Contains($"GET /secrets/DB-PASSWORD/ Bearer {Token}", vaultRequests);
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", null);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", null);
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public void Names_map_to_vault_names_and_impossible_names_are_refused()
    {
        Assert.Equal("DB-PASSWORD", KeyVaultSecretSource.ToVaultName("DB_PASSWORD"));
        Assert.Contains("cannot be a Key Vault secret name", Assert.Throws<ArgumentException>(() => KeyVaultSecretSource.ToVaultName("a.b")).Message);
        Assert.Contains("https://", Assert.Throws<ArgumentException>(() => SecretSources.Create("http://vault", null, null)).Message);
        Assert.IsType<CompositeSecretSource>(SecretSources.Create("https://v.vault.azure.net/", null, "local.settings.json"));
    }

    [Fact]
    public async Task The_local_settings_file_supplies_values_for_local_development()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("nbf-ls-").FullName, "local.settings.json");
        await File.WriteAllTextAsync(path, """{ "IsEncrypted": false, "Values": { "API_TOKEN": "local-value", "N": 3 } }""");

        var source = new LocalSettingsSecretSource(path);

        Assert.Equal("local-value", await source.GetAsync("API_TOKEN", default));
        Assert.Null(await source.GetAsync("N", default));
        Assert.Null(await new LocalSettingsSecretSource(path + ".missing").GetAsync("API_TOKEN", default));
    }

    private static WebApplication StandIn(X509Certificate2 certificate, List<string> tokenRequests, List<string> vaultRequests)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.MapGet("/msi/token", (HttpRequest request) =>
        {
            lock (tokenRequests) tokenRequests.Add(request.QueryString.Value ?? string.Empty);
            if (request.Headers["X-IDENTITY-HEADER"] != IdentityHeader) return Results.StatusCode(401);
            var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            return Results.Json(new { access_token = Token, expires_on = expires.ToString(System.Globalization.CultureInfo.InvariantCulture), resource = "https://vault.azure.net", token_type = "Bearer", client_id = ClientId });
        });
        app.MapGet("/secrets/{name}/{version?}", (HttpRequest request, string name) =>
        {
            var authorization = request.Headers.Authorization.FirstOrDefault();
            lock (vaultRequests) vaultRequests.Add($"GET /secrets/{name}/ {authorization ?? "anonymous"}");
            if (authorization != $"Bearer {Token}")
            {
                // Key Vault's challenge: where to get a token, and for which resource.
                request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer authorization=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47\", resource=\"https://vault.azure.net\"";
                return Results.StatusCode(401);
            }

            return name == "DB-PASSWORD"
                ? Results.Json(new { value = "from-the-vault", id = $"https://{request.Host}/secrets/{name}/0123456789abcdef", attributes = new { enabled = true } })
                : Results.Json(new { error = new { code = "SecretNotFound", message = $"A secret with (name/id) {name} was not found in this key vault." } }, statusCode: 404);
        });
        return app;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}

/// <summary>Tests that set the process-wide managed-identity variables run one at a time.</summary>
[CollectionDefinition(nameof(ManagedIdentityEnvironment), DisableParallelization = true)]
public sealed class ManagedIdentityEnvironment;
