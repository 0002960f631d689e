namespace GithubSts.Exchange.Identity;

/// <summary>
/// A discovery or JWKS fetch failed. Internal: the cache turns it into <see cref="IdentityProviderUnavailableException"/>
/// (retryable) or <see cref="TokenRejectedException"/> with <see cref="TokenRejectionReason.DiscoveryInvalid"/>.
/// Messages are fixed text written here, never upstream content.
/// </summary>
internal sealed class MetadataFetchException(bool discoveryInvalid, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>True when the issuer answered but its discovery document breaks a rule (not a transient outage).</summary>
    public bool DiscoveryInvalid { get; } = discoveryInvalid;
}
