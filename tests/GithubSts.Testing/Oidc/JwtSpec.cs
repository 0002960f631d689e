using System.Text.Json.Nodes;

namespace GithubSts.Testing.Oidc;

/// <summary>
/// What <see cref="TestOidcIssuer.CreateToken"/> puts in a token. Unset members get sensible defaults from the issuer:
/// iss = the issuer, iat = nbf = now, exp = now + 5 min, a random jti, its default key and that key's algorithm.
/// </summary>
public sealed class JwtSpec
{
    public string? Issuer { get; set; }

    public string Subject { get; set; } = "repo:octo-org/octo-repo:ref:refs/heads/main";

    /// <summary>Any JSON: a string, an array, or something hostile (a number, null, <c>{}</c>).</summary>
    public JsonNode? Audience { get; set; } = "https://sts.example.com";

    public DateTimeOffset? IssuedAt { get; set; }

    public DateTimeOffset? NotBefore { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public string? TokenId { get; set; }

    /// <summary>The signing key; defaults to the issuer's default key.</summary>
    public TestSigningKey? Key { get; set; }

    /// <summary>The header <c>alg</c> and signing algorithm; defaults to the key's algorithm.</summary>
    public string? Algorithm { get; set; }

    /// <summary>The header <c>kid</c>; defaults to the key's id. See <see cref="OmitKeyId"/>.</summary>
    public string? KeyId { get; set; }

    public bool OmitKeyId { get; set; }

    /// <summary>The header <c>typ</c>; null omits it.</summary>
    public string? Type { get; set; } = "JWT";

    /// <summary>Extra or overriding header members.</summary>
    public Dictionary<string, JsonNode?> Header { get; } = new(StringComparer.Ordinal);

    /// <summary>Extra or overriding claims (set after the defaults, so <c>Claims["exp"] = "1795300711"</c> replaces exp).</summary>
    public Dictionary<string, JsonNode?> Claims { get; } = new(StringComparer.Ordinal);

    /// <summary>Claims to leave out entirely (e.g. "exp", "aud", "iat", "nbf", "jti").</summary>
    public HashSet<string> Omit { get; } = new(StringComparer.Ordinal);
}
