namespace GithubSts.Testing.Oidc;

/// <summary>How a <see cref="TestOidcIssuer"/> is set up at start.</summary>
public sealed class TestOidcIssuerOptions
{
    /// <summary>Appended to <c>http://127.0.0.1:PORT</c> to form the issuer, e.g. <c>/tenant/v2.0</c>.</summary>
    public string PathSuffix { get; init; } = string.Empty;

    /// <summary>End the issuer with '/' (Entra v1 style); discovery is still fetched without it.</summary>
    public bool TrailingSlash { get; init; }

    /// <summary>Used for token timestamps; defaults to <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? Time { get; init; }

    public string DefaultKeyId { get; init; } = "key-1";

    /// <summary>Start with an EC P-256 (ES256) default key instead of RSA-2048 RS256.</summary>
    public bool EcDefaultKey { get; init; }
}
