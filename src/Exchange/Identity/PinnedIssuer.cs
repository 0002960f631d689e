namespace GithubSts.Exchange.Identity;

/// <summary>
/// An issuer whose keys are configured (<c>sts.issuers</c>): no discovery and no network call is ever made for it. Its
/// keys come from <see cref="Jwks"/> (fixed) or <see cref="JwksFile"/> (read again when the file changes).
/// </summary>
public sealed class PinnedIssuer
{
    /// <summary>The exact issuer string (ordinal, no trailing-slash or case normalisation).</summary>
    public required string Issuer { get; init; }

    /// <summary>The JWK Set as JSON text; exclusive with <see cref="JwksFile"/>.</summary>
    public string? Jwks { get; init; }

    /// <summary>The path of a JWK Set JSON file; exclusive with <see cref="Jwks"/>.</summary>
    public string? JwksFile { get; init; }

    /// <summary>The default audiences of this issuer's tokens, replacing the service-wide ones; null: the service-wide ones.</summary>
    public IReadOnlyList<string>? Audiences { get; init; }

    /// <summary>Exact JWS algorithm names allowed for this issuer's tokens; empty: every algorithm this service accepts.</summary>
    public IReadOnlyList<string> Algorithms { get; init; } = [];

    internal JwsAlgorithm AllowedAlgorithms => Algorithms.Count == 0
        ? JwsAlgorithm.RS256 | JwsAlgorithm.RS384 | JwsAlgorithm.RS512 | JwsAlgorithm.PS256 | JwsAlgorithm.PS384 | JwsAlgorithm.PS512
          | JwsAlgorithm.ES256 | JwsAlgorithm.ES384 | JwsAlgorithm.ES512
        : Algorithms.Aggregate(JwsAlgorithm.None, (all, name) => all | JwsAlgorithms.Parse(name));

    /// <summary>
    /// Whether <paramref name="issuer"/> can be pinned: an absolute URL of printable ASCII. Any scheme, as it is only
    /// ever compared (ordinally) with a token's <c>iss</c>, never fetched.
    /// </summary>
    public static bool IsAcceptableUrl(string? issuer, out string reason)
    {
        reason = string.Empty;
        if (string.IsNullOrEmpty(issuer) || issuer.Length > 2048 || issuer.Any(c => c is <= ' ' or > '~'))
        {
            reason = "must be 1-2048 printable ASCII characters without spaces";
            return false;
        }

        if (!Uri.TryCreate(issuer, UriKind.Absolute, out _))
        {
            reason = "must be an absolute URL";
            return false;
        }

        return true;
    }
}
