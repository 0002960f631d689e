namespace GithubSts.Exchange.Configuration;

/// <summary>
/// One <c>sts.issuers</c> entry: an issuer whose keys are configured rather than discovered, for issuers this service
/// cannot reach (another cluster's service-account issuer, an air-gapped IdP). Environment variables cannot express a
/// list of objects, so these exist only in the configuration file.
/// </summary>
public sealed class PinnedIssuerSettings
{
    /// <summary>The exact <c>iss</c> (ordinal; any scheme, since it is never fetched).</summary>
    public string? Issuer { get; set; }

    /// <summary>The JWK Set inline: a YAML mapping (<c>keys: [...]</c>) or a JSON string.</summary>
    public object? Jwks { get; set; }

    /// <summary>A file holding the JWK Set as JSON (a mounted ConfigMap or Secret), read again when it changes.</summary>
    public string? JwksFile { get; set; }

    /// <summary>The default audiences of this issuer's tokens, instead of <c>sts.identifier</c> and <c>sts.audiences</c>.</summary>
    public List<string>? Audiences { get; set; }

    /// <summary>Overrides <c>sts.maxTokenLifetimeSeconds</c> for this issuer.</summary>
    public long? MaxTokenLifetimeSeconds { get; set; }

    /// <summary>The JWS algorithms this issuer's tokens may use; empty: any this service accepts that the key permits.</summary>
    public List<string> Algorithms { get; set; } = [];
}
