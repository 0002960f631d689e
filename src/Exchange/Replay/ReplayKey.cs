using System.Security.Cryptography;
using System.Text;
using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Replay;

/// <summary>Derives the replay key and the bounded lifetime of a replay entry.</summary>
public static class ReplayKey
{
    /// <summary>
    /// <c>jti:</c> + hex SHA-256 of <c>issuer + "\n" + jti</c> (an issuer URL has no newline, so two issuers never
    /// collide); without a <c>jti</c>, <c>sig:</c> + hex SHA-256 of <c>issuer + "\n" + SHA-256(header.payload)</c>: what
    /// the issuer signed, never the signature bytes, which anyone can re-encode into a second valid token (ECDSA
    /// s → n − s). An identity without a signed-content hash (a test double) falls back to <c>tok:</c> + the token hash.
    /// </summary>
    public static string For(ValidatedIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!string.IsNullOrEmpty(caller.TokenId) || string.IsNullOrEmpty(caller.SignedContentHash))
        {
            return For(caller.Issuer, caller.TokenId, caller.TokenHash);
        }

        return ForSignedContent(caller.Issuer, caller.SignedContentHash);
    }

    /// <param name="signedContentHash">Hex SHA-256 of the token's ASCII <c>header.payload</c>.</param>
    public static string ForSignedContent(string issuer, string signedContentHash)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(signedContentHash);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(issuer + "\n" + signedContentHash.ToLowerInvariant()));
        return "sig:" + Convert.ToHexStringLower(digest);
    }

    public static string For(string issuer, string? tokenId, string tokenHash)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(tokenHash);
        if (string.IsNullOrEmpty(tokenId))
        {
            return "tok:" + tokenHash.ToLowerInvariant();
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(issuer + "\n" + tokenId));
        return "jti:" + Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// min(exp, (nbf|iat|now) + maxLifetime) − now + skew, never more than maxLifetime + skew and at least one second:
    /// an <c>exp</c> far in the future cannot create an unbounded entry.
    /// </summary>
    public static TimeSpan Ttl(ValidatedIdentity caller, DateTimeOffset now, TimeSpan maxLifetime, TimeSpan clockSkew)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Ttl(caller.ExpiresAt, caller.NotBefore ?? caller.IssuedAt, now, maxLifetime, clockSkew);
    }

    public static TimeSpan Ttl(DateTimeOffset expiresAt, DateTimeOffset? startsAt, DateTimeOffset now, TimeSpan maxLifetime, TimeSpan clockSkew)
    {
        var start = startsAt ?? now;
        var limit = start + maxLifetime;
        var end = expiresAt < limit ? expiresAt : limit;
        var ttl = end - now + clockSkew;
        var cap = maxLifetime + clockSkew;
        if (ttl > cap)
        {
            ttl = cap;
        }

        return ttl < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : ttl;
    }
}
