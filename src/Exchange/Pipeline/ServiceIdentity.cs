using GithubSts.Exchange.Identity;

namespace GithubSts.Exchange.Pipeline;

/// <summary>This deployment's identifier: the default audience callers must request (<c>sts.identifier</c>).</summary>
public sealed class ServiceIdentity(string identifier)
{
    public string Identifier { get; } = identifier;

    /// <summary>Whether any of the token's audiences is this service (ordinal, no trailing-slash or case folding).</summary>
    public bool IsAudienceOf(ValidatedIdentity caller)
    {
        foreach (var audience in caller.Audiences)
        {
            if (string.Equals(audience, Identifier, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
