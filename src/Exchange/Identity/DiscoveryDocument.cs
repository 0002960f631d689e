using System.Text.Json;

namespace GithubSts.Exchange.Identity;

/// <summary>The parts of an OpenID Provider configuration document this service uses, checked against the issuer.</summary>
internal sealed class DiscoveryDocument
{
    private DiscoveryDocument(string jwksUri, JwsAlgorithm algorithms)
    {
        JwksUri = jwksUri;
        Algorithms = algorithms;
    }

    public string JwksUri { get; }

    /// <summary><c>id_token_signing_alg_values_supported</c> ∩ the safe set; RS256 when the member is absent.</summary>
    public JwsAlgorithm Algorithms { get; }

    public static DiscoveryDocument Read(ReadOnlyMemory<byte> utf8, string issuer, bool explicitlyListed, OidcValidationOptions options)
    {
        using var document = MetadataJson.Parse(utf8, "discovery");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new MetadataFetchException(false, "The discovery response is not a JSON object.");
        }

        // OIDC Discovery §4.3: the document's issuer must be identical to the URL prefix it was fetched from, which is the
        // token's iss. .NET's ConfigurationManager does not check this (security.md §0.2).
        if (!root.TryGetProperty("issuer", out var declared) || declared.ValueKind != JsonValueKind.String || !declared.ValueEquals(issuer))
        {
            throw new MetadataFetchException(true, "The discovery document's issuer differs from the token's issuer.");
        }

        if (!root.TryGetProperty("jwks_uri", out var jwksElement) || jwksElement.ValueKind != JsonValueKind.String)
        {
            throw new MetadataFetchException(true, "The discovery document has no jwks_uri.");
        }

        var jwksUri = jwksElement.GetString()!;
        if (!IsAcceptableJwksUri(jwksUri, issuer, explicitlyListed, options))
        {
            throw new MetadataFetchException(true, "The discovery document's jwks_uri is not acceptable.");
        }

        return new DiscoveryDocument(jwksUri, ReadAlgorithms(root));
    }

    /// <summary>
    /// The JWKS must live on the issuer's own authority (scheme rules as for issuers), or on an operator-approved host
    /// over https: otherwise a discovery document could aim this service at any host (SSRF).
    /// </summary>
    private static bool IsAcceptableJwksUri(string jwksUri, string issuer, bool explicitlyListed, OidcValidationOptions options)
    {
        if (!IssuerUrl.IsAcceptable(jwksUri, explicitlyListed, out _))
        {
            return false;
        }

        var authority = IssuerUrl.Authority(jwksUri);
        if (string.Equals(authority, IssuerUrl.Authority(issuer), StringComparison.Ordinal))
        {
            return true;
        }

        if (!jwksUri.StartsWith("https://", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var host in options.AdditionalJwksHosts)
        {
            if (string.Equals(host, authority, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static JwsAlgorithm ReadAlgorithms(JsonElement root)
    {
        if (!root.TryGetProperty("id_token_signing_alg_values_supported", out var values))
        {
            return JwsAlgorithm.RS256; // The OIDC Discovery default.
        }

        if (values.ValueKind != JsonValueKind.Array)
        {
            throw new MetadataFetchException(true, "The discovery document's signing algorithm list is not an array.");
        }

        var algorithms = JwsAlgorithm.None;
        foreach (var value in values.EnumerateArray())
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                algorithms |= JwsAlgorithms.Parse(value.GetString());
            }
        }

        return algorithms != JwsAlgorithm.None
            ? algorithms
            : throw new MetadataFetchException(true, "The discovery document lists no acceptable signing algorithm.");
    }
}
