using System.Buffers.Text;
using System.Numerics;

namespace GithubSts.Testing.Oidc;

/// <summary>
/// What anyone can do to an ES256 token without the key: (r, s) and (r, n − s) are both valid ECDSA signatures of the
/// same message, so the re-encoded token verifies and differs byte for byte from the original.
/// </summary>
public static class EcdsaMalleability
{
    private static readonly BigInteger P256Order = BigInteger.Parse(
        "115792089210356248762697446949407573529996955224135760342422259061068512044369", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The same ES256 token with its signature's s replaced by n − s.</summary>
    public static string FlipS(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var dot = token.LastIndexOf('.');
        var signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        if (signature.Length != 64)
        {
            throw new ArgumentException("not an ES256 (P-256, 64-byte) signature", nameof(token));
        }

        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var flipped = (P256Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = (byte[])signature.Clone();
        Array.Clear(result, 32, 32);
        flipped.CopyTo(result, 64 - flipped.Length);
        return token[..(dot + 1)] + Base64Url.EncodeToString(result);
    }
}
