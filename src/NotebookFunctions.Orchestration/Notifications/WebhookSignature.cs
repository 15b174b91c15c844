using System.Security.Cryptography;
using System.Text;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>
/// Signs a delivery as Standard Webhooks does: HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}", sent as
/// webhook-signature: v1,{base64}. The key is the secret's value as UTF-8 bytes, or, for a value written as Standard
/// Webhooks secrets are (whsec_ and base64), the decoded bytes, so their libraries verify it unchanged.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";

    public const string TimestampHeader = "webhook-timestamp";

    public const string SignatureHeader = "webhook-signature";

    private const string StandardPrefix = "whsec_";

    public static string Sign(string secretValue, string id, long timestamp, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secretValue), signed));
    }

    private static byte[] Key(string secretValue)
    {
        if (secretValue.StartsWith(StandardPrefix, StringComparison.Ordinal))
        {
            try
            {
                return Convert.FromBase64String(secretValue[StandardPrefix.Length..]);
            }
            catch (FormatException)
            {
                // Not base64 after all: the value itself is the key, as for any other secret.
            }
        }

        return Encoding.UTF8.GetBytes(secretValue);
    }
}
