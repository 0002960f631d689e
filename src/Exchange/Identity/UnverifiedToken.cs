using System.Security.Cryptography;
using System.Text;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// A token's claims read with the service's own strict parsers (segments, duplicate-free JSON, registered claim
/// types) but with <b>no signature, issuer or time check</b>: for <c>github-sts policy explain</c>, which answers
/// "why was I denied?" offline. Never use it to authenticate anything.
/// </summary>
public static class UnverifiedToken
{
    /// <exception cref="TokenRejectedException">The token is not a structurally valid JWS with valid registered claims.</exception>
    public static ValidatedIdentity FromJwt(string token, GitHubActionsIssuers actionsIssuers)
    {
        ArgumentNullException.ThrowIfNull(token);
        var jws = CompactJws.Parse(token.Trim());
        return FromPayload(jws.Payload, Encoding.UTF8.GetBytes(token.Trim()), actionsIssuers);
    }

    /// <summary>Claims as a JWT payload would carry them: one JSON object (surrounding whitespace allowed in a file).</summary>
    /// <exception cref="TokenRejectedException">Not one duplicate-free JSON object with valid registered claims.</exception>
    public static ValidatedIdentity FromClaimsJson(ReadOnlySpan<byte> json, GitHubActionsIssuers actionsIssuers)
    {
        var trimmed = json.Trim(" \t\r\n"u8).ToArray();
        return FromPayload(trimmed, trimmed, actionsIssuers);
    }

    private static ValidatedIdentity FromPayload(byte[] payload, byte[] hashed, GitHubActionsIssuers actionsIssuers)
    {
        ArgumentNullException.ThrowIfNull(actionsIssuers);
        var verdict = StrictJson.CheckObject(payload);
        if (verdict != StrictJson.Verdict.Valid)
        {
            throw new TokenRejectedException(
                verdict == StrictJson.Verdict.DuplicateMember ? TokenRejectionReason.DuplicateMember : TokenRejectionReason.Malformed,
                verdict == StrictJson.Verdict.DuplicateMember ? "the claims have a duplicate member" : "the claims are not a single strict JSON object");
        }

        var claims = TokenClaims.Read(payload);
        var identity = new ValidatedIdentity
        {
            Issuer = claims.Issuer,
            Subject = claims.Subject,
            Audiences = claims.Audiences,
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt),
            IssuedAt = claims.IssuedAt is { } iat ? DateTimeOffset.FromUnixTimeSeconds(iat) : null,
            NotBefore = claims.NotBefore is { } nbf ? DateTimeOffset.FromUnixTimeSeconds(nbf) : null,
            TokenId = claims.TokenId,
            TokenHash = Convert.ToHexStringLower(SHA256.HashData(hashed)),
            Claims = claims.Root,
        };

        // The same name-form resolution as the exchange, so an id-form subject meets name-form rules as it would there.
        return actionsIssuers.Resolve(identity);
    }
}
