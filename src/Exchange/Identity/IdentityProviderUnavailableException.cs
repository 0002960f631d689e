namespace GithubSts.Exchange.Identity;

/// <summary>The issuer's discovery document or keys could not be fetched and no usable cached copy exists.</summary>
public sealed class IdentityProviderUnavailableException(string issuer, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Issuer { get; } = issuer;
}
