using System.Buffers.Text;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// A JWS in compact serialization split into its three decoded parts. Exactly three non-empty canonical base64url
/// segments; a five-segment JWE (and its <c>zip</c> bomb) is refused without being decoded.
/// </summary>
internal sealed class CompactJws
{
    private CompactJws(byte[] header, byte[] payload, byte[] signature, int signingInputLength)
    {
        Header = header;
        Payload = payload;
        Signature = signature;
        SigningInputLength = signingInputLength;
    }

    public byte[] Header { get; }

    public byte[] Payload { get; }

    public byte[] Signature { get; }

    /// <summary>Length of <c>header.payload</c>, the ASCII prefix of the token that the signature covers.</summary>
    public int SigningInputLength { get; }

    /// <exception cref="TokenRejectedException">With <see cref="TokenRejectionReason.Malformed"/>.</exception>
    public static CompactJws Parse(string token)
    {
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (second < 0)
        {
            throw Malformed("The token does not have three segments.");
        }

        if (token.IndexOf('.', second + 1) >= 0)
        {
            throw Malformed("The token has more than three segments (JWE is not accepted).");
        }

        var header = Decode(token.AsSpan(0, first));
        var payload = Decode(token.AsSpan(first + 1, second - first - 1));
        var signature = Decode(token.AsSpan(second + 1));
        return new CompactJws(header, payload, signature, second);
    }

    private static byte[] Decode(ReadOnlySpan<char> segment) =>
        !segment.IsEmpty && Base64UrlStrict.IsValid(segment)
            ? Base64Url.DecodeFromChars(segment)
            : throw Malformed("A token segment is empty or not canonical base64url.");

    private static TokenRejectedException Malformed(string message) => new(TokenRejectionReason.Malformed, message);
}
