using System.Security.Cryptography;

namespace GithubSts.Exchange.Identity;

/// <summary>The asymmetric JWS algorithms this service accepts. <c>none</c>, <c>HS*</c> and everything else are refused.</summary>
[Flags]
internal enum JwsAlgorithm
{
    None = 0,
    RS256 = 1 << 0,
    RS384 = 1 << 1,
    RS512 = 1 << 2,
    PS256 = 1 << 3,
    PS384 = 1 << 4,
    PS512 = 1 << 5,
    ES256 = 1 << 6,
    ES384 = 1 << 7,
    ES512 = 1 << 8,
}

internal static class JwsAlgorithms
{
    /// <summary>Exact, case-sensitive names (RFC 7518): <c>rs256</c> is not <c>RS256</c>.</summary>
    public static JwsAlgorithm Parse(ReadOnlySpan<char> name) => name switch
    {
        "RS256" => JwsAlgorithm.RS256,
        "RS384" => JwsAlgorithm.RS384,
        "RS512" => JwsAlgorithm.RS512,
        "PS256" => JwsAlgorithm.PS256,
        "PS384" => JwsAlgorithm.PS384,
        "PS512" => JwsAlgorithm.PS512,
        "ES256" => JwsAlgorithm.ES256,
        "ES384" => JwsAlgorithm.ES384,
        "ES512" => JwsAlgorithm.ES512,
        _ => JwsAlgorithm.None,
    };

    public static bool IsRsa(JwsAlgorithm alg) =>
        (alg & (JwsAlgorithm.RS256 | JwsAlgorithm.RS384 | JwsAlgorithm.RS512 | JwsAlgorithm.PS256 | JwsAlgorithm.PS384 | JwsAlgorithm.PS512)) != 0;

    public static bool IsPss(JwsAlgorithm alg) =>
        (alg & (JwsAlgorithm.PS256 | JwsAlgorithm.PS384 | JwsAlgorithm.PS512)) != 0;

    public static HashAlgorithmName Hash(JwsAlgorithm alg) => alg switch
    {
        JwsAlgorithm.RS256 or JwsAlgorithm.PS256 or JwsAlgorithm.ES256 => HashAlgorithmName.SHA256,
        JwsAlgorithm.RS384 or JwsAlgorithm.PS384 or JwsAlgorithm.ES384 => HashAlgorithmName.SHA384,
        JwsAlgorithm.RS512 or JwsAlgorithm.PS512 or JwsAlgorithm.ES512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(alg)),
    };

    /// <summary>The JWK <c>crv</c> an ECDSA algorithm requires (RFC 7518 §3.4), or null for RSA algorithms.</summary>
    public static string? Curve(JwsAlgorithm alg) => alg switch
    {
        JwsAlgorithm.ES256 => "P-256",
        JwsAlgorithm.ES384 => "P-384",
        JwsAlgorithm.ES512 => "P-521",
        _ => null,
    };
}
