using System.Security.Cryptography;
using System.Text;

namespace NotebookFunctions.Core.Kernels;

/// <summary>HMAC-SHA256 signatures over the four JSON frames, as the connection file's key and scheme require.</summary>
public sealed class MessageSigner
{
    private readonly byte[] _key;

    public MessageSigner(string key) => _key = Encoding.UTF8.GetBytes(key);

    /// <summary>Lowercase hex signature of header, parent header, metadata and content, in that order; empty when there is no key.</summary>
    public string Sign(ReadOnlySpan<byte> header, ReadOnlySpan<byte> parent, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        if (_key.Length == 0) return string.Empty;
        return Convert.ToHexStringLower(Compute(header, parent, metadata, content));
    }

    /// <summary>Checks a received signature over the frames exactly as received, in constant time.</summary>
    public bool Verify(ReadOnlySpan<byte> signatureHex, ReadOnlySpan<byte> header, ReadOnlySpan<byte> parent, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        if (_key.Length == 0) return true;
        Span<byte> expected = stackalloc byte[32];
        Compute(header, parent, metadata, content).CopyTo(expected);
        Span<byte> expectedHex = stackalloc byte[64];
        for (var i = 0; i < 32; i++)
        {
            expectedHex[2 * i] = HexDigit(expected[i] >> 4);
            expectedHex[(2 * i) + 1] = HexDigit(expected[i] & 0xF);
        }

        return signatureHex.Length == 64 && CryptographicOperations.FixedTimeEquals(Lower(signatureHex), expectedHex);
    }

    private byte[] Compute(ReadOnlySpan<byte> header, ReadOnlySpan<byte> parent, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(header);
        hmac.AppendData(parent);
        hmac.AppendData(metadata);
        hmac.AppendData(content);
        return hmac.GetHashAndReset();
    }

    private static byte HexDigit(int v) => (byte)(v < 10 ? '0' + v : 'a' + v - 10);

    private static byte[] Lower(ReadOnlySpan<byte> hex)
    {
        var copy = hex.ToArray();
        for (var i = 0; i < copy.Length; i++)
        {
            if (copy[i] is >= (byte)'A' and <= (byte)'F') copy[i] = (byte)(copy[i] + 32);
        }

        return copy;
    }
}
