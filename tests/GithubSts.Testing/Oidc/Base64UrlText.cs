using System.Buffers.Text;
using System.Text;

namespace GithubSts.Testing.Oidc;

/// <summary>Unpadded base64url, as used in JOSE.</summary>
public static class Base64UrlText
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Encodes the exact UTF-8 bytes of <paramref name="text"/> (no re-serialisation).</summary>
    public static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
}
