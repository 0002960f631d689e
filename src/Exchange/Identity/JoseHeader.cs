using System.Text.Json;

namespace GithubSts.Exchange.Identity;

/// <summary>The protected header of a JWS, read after <see cref="StrictJson"/> accepted it.</summary>
internal readonly record struct JoseHeader(JwsAlgorithm Algorithm, string? KeyId)
{
    public const int MaxKeyIdLength = 256;

    /// <summary>Reads the header, refusing anything this service does not implement rather than ignoring it.</summary>
    /// <exception cref="TokenRejectedException">The header is not acceptable.</exception>
    public static JoseHeader Read(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, StrictJson.ReaderOptions);
        reader.Read(); // The opening '{', already checked.
        var algorithm = JwsAlgorithm.None;
        var algorithmSeen = false;
        string? keyId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("alg"u8))
            {
                reader.Read();
                algorithmSeen = true;
                algorithm = reader.TokenType == JsonTokenType.String ? JwsAlgorithms.Parse(reader.GetString()) : JwsAlgorithm.None;
            }
            else if (reader.ValueTextEquals("kid"u8))
            {
                reader.Read();
                keyId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (keyId is null || !IsAcceptableKeyId(keyId))
                {
                    throw Reject(TokenRejectionReason.Malformed, "The kid header is not a short printable-ASCII string.");
                }
            }
            else if (reader.ValueTextEquals("typ"u8))
            {
                reader.Read();
                // Explicit typing (RFC 8725 §3.11): an access token (at+jwt) or logout token is not an identity token.
                if (reader.TokenType != JsonTokenType.String || !string.Equals(reader.GetString(), "JWT", StringComparison.OrdinalIgnoreCase))
                {
                    throw Reject(TokenRejectionReason.UnsupportedTokenType, "The typ header is not JWT.");
                }
            }
            else if (IsForbidden(ref reader))
            {
                throw Reject(TokenRejectionReason.ForbiddenHeader, "The header carries a parameter this service refuses (crit, cty, jku, x5u, jwk, x5c, zip or b64).");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!algorithmSeen)
        {
            throw Reject(TokenRejectionReason.Malformed, "The header has no alg.");
        }

        return algorithm != JwsAlgorithm.None
            ? new JoseHeader(algorithm, keyId)
            : throw Reject(TokenRejectionReason.UnsupportedAlgorithm, "The alg header is not an accepted asymmetric algorithm.");
    }

    /// <summary>A kid is only ever a dictionary key here, but it is logged, so it is kept short and printable.</summary>
    public static bool IsAcceptableKeyId(string kid)
    {
        if (kid.Length is 0 or > MaxKeyIdLength)
        {
            return false;
        }

        foreach (var c in kid)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// crit: RFC 7515 §4.1.11 requires refusing unknown critical extensions, and none are implemented. cty: nested JWTs are
    /// not supported. jku/x5u/jwk/x5c: keys come only from the issuer's JWKS, never from the token (no fetch, no trust).
    /// zip/b64: JWE compression and unencoded payloads are not JWS-as-used-by-OIDC.
    /// </summary>
    private static bool IsForbidden(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("crit"u8) || reader.ValueTextEquals("cty"u8) || reader.ValueTextEquals("jku"u8)
        || reader.ValueTextEquals("x5u"u8) || reader.ValueTextEquals("jwk"u8) || reader.ValueTextEquals("x5c"u8)
        || reader.ValueTextEquals("zip"u8) || reader.ValueTextEquals("b64"u8);

    private static TokenRejectedException Reject(TokenRejectionReason reason, string message) => new(reason, message);
}
