using System.Text.RegularExpressions;

namespace NotebookFunctions.Core.Secrets;

/// <summary>One credential shape: a name for findings and a pattern whose "secret" group is the value to mask.</summary>
public sealed record SecretRule(string Id, string Description, Regex Pattern, double MinEntropy = 0, bool SkipPlaceholders = false);

/// <summary>
/// The credential shapes the scanner knows. Patterns follow the token formats the issuers document (AWS key ids,
/// GitHub and Slack token prefixes, Azure storage keys, SAS signatures, PEM blocks, JWTs); the password rule needs a
/// high-entropy literal so that <c>password = "changeme"</c> in a tutorial does not flag, while a real one does.
/// </summary>
public static partial class SecretRules
{
    [GeneratedRegex(@"\b(?<secret>(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b")]
    private static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?i)aws_?secret_?access_?key\W{0,5}(?<secret>[A-Za-z0-9/+=]{40})\b")]
    private static partial Regex AwsSecretKey();

    [GeneratedRegex(@"(?i)AccountKey=(?<secret>[A-Za-z0-9+/]{40,}={0,2})")]
    private static partial Regex AzureStorageKey();

    [GeneratedRegex(@"(?i)(?:^|[;""'\s])(?:Password|Pwd)=(?<secret>[^;""'\s]{4,})")]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"(?i)[?&]sig=(?<secret>[A-Za-z0-9%+/]{30,}={0,2})")]
    private static partial Regex SasSignature();

    [GeneratedRegex(@"(?<secret>-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----)")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\b(?<secret>(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255}))\b")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\b(?<secret>xox[abposr]-[A-Za-z0-9-]{10,})\b")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\b(?<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?i)\b[\w.]*(?:password|passwd|pwd|secret|api_?key|access_?token|auth_?token|client_?secret)[\w.]*['""]?\s*[:=]\s*[rbuf]?['""](?<secret>[^'""\s]{12,})['""]")]
    private static partial Regex PasswordAssignment();

    [GeneratedRegex(@"(?i)^[<{\[(].*[>}\])]$|your|example|sample|changeme|placeholder|dummy|redacted|xxxx|\*\*\*|\$\{|%\(|\{\{")]
    private static partial Regex PlaceholderPattern();

    /// <summary>Values written to be replaced (&lt;your-password&gt;, ${DB_PASSWORD}, "example", "****").</summary>
    public static bool IsPlaceholder(string value) => PlaceholderPattern().IsMatch(value);

    public static IReadOnlyList<SecretRule> All { get; } =
    [
        new("aws-access-key-id", "AWS access key id", AwsAccessKeyId()),
        new("aws-secret-access-key", "AWS secret access key", AwsSecretKey()),
        new("azure-storage-account-key", "Azure storage account key in a connection string", AzureStorageKey()),
        new("connection-string-password", "connection string with a password", ConnectionStringPassword()),
        new("sas-token", "shared access signature (SAS) token", SasSignature()),
        new("private-key", "private key block", PrivateKey()),
        new("github-token", "GitHub token", GitHubToken()),
        new("slack-token", "Slack token", SlackToken()),
        new("jwt", "JSON Web Token", Jwt()),
        new("password-assignment", "password or key assigned a literal", PasswordAssignment(), MinEntropy: 3.0, SkipPlaceholders: true),
    ];
}
