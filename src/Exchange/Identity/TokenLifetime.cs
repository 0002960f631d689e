namespace GithubSts.Exchange.Identity;

/// <summary>
/// Time rules with a small, explicit skew (IdentityModel's default is 5 minutes and it never checks <c>iat</c>).
/// Because the lifetime is bounded and <c>exp</c> must be in the future, a token's age is bounded too.
/// </summary>
internal static class TokenLifetime
{
    /// <exception cref="TokenRejectedException">The token is expired, not yet valid, from the future, or lives too long.</exception>
    public static void Check(TokenClaims claims, DateTimeOffset now, TimeSpan skew, TimeSpan maxLifetime)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var skewMs = (long)skew.TotalMilliseconds;
        var expMs = claims.ExpiresAt * 1000;
        var nbfMs = claims.NotBefore * 1000;
        var iatMs = claims.IssuedAt * 1000;

        if (expMs < nbfMs || expMs < iatMs)
        {
            throw Reject(TokenRejectionReason.InvalidClaim, "The exp claim is before nbf or iat.");
        }

        if (expMs <= nowMs - skewMs)
        {
            throw Reject(TokenRejectionReason.Expired, "The token has expired.");
        }

        if (nbfMs > nowMs + skewMs)
        {
            throw Reject(TokenRejectionReason.NotYetValid, "The token is not valid yet (nbf).");
        }

        if (iatMs > nowMs + skewMs)
        {
            throw Reject(TokenRejectionReason.IssuedInFuture, "The token was issued in the future (iat).");
        }

        var startMs = nbfMs ?? iatMs ?? nowMs;
        if (expMs - startMs > (long)maxLifetime.TotalMilliseconds)
        {
            throw Reject(TokenRejectionReason.LifetimeTooLong, "The token's lifetime exceeds the issuer's maximum.");
        }
    }

    private static TokenRejectedException Reject(TokenRejectionReason reason, string message) => new(reason, message);
}
