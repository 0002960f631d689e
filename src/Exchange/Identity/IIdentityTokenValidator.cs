namespace GithubSts.Exchange.Identity;

/// <summary>Validates an inbound bearer token (an OIDC JWT).</summary>
public interface IIdentityTokenValidator
{
    /// <summary>
    /// Returns the validated identity, or throws <see cref="TokenRejectedException"/> when the token is not acceptable
    /// and <see cref="IdentityProviderUnavailableException"/> when the issuer could not be consulted (retryable).
    /// </summary>
    ValueTask<ValidatedIdentity> ValidateAsync(string token, CancellationToken cancellationToken);
}
