namespace GithubSts.Exchange.Identity;

/// <summary>Fetches and checks one issuer's discovery document, then its JWKS. No caching here.</summary>
internal sealed class IssuerMetadataFetcher(BoundedHttpReader reader, OidcValidationOptions options, TimeProvider time)
{
    public async Task<IssuerMetadata> FetchAsync(string issuer, bool explicitlyListed, CancellationToken cancellationToken)
    {
        // OIDC Discovery §4: a trailing '/' on the issuer is removed before appending the well-known path.
        var discoveryUri = new Uri(issuer.TrimEnd('/') + "/.well-known/openid-configuration", UriKind.Absolute);
        var discoveryBody = await reader.GetAsync(discoveryUri, "discovery", cancellationToken);
        var discovery = DiscoveryDocument.Read(discoveryBody, issuer, explicitlyListed, options);

        var jwksBody = await reader.GetAsync(new Uri(discovery.JwksUri, UriKind.Absolute), "JWKS", cancellationToken);
        var keys = JsonWebKeySetReader.Read(jwksBody);
        return new IssuerMetadata(issuer, discovery, keys, time.GetUtcNow());
    }
}
