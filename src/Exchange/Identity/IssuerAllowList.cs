using System.Collections.Frozen;

namespace GithubSts.Exchange.Identity;

/// <summary>The operator's issuer list as an ordinal set, plus the issuer-acceptance decision both components share.</summary>
internal sealed class IssuerAllowList(OidcValidationOptions options)
{
    private readonly FrozenSet<string> listed = options.AllowedIssuers.ToFrozenSet(StringComparer.Ordinal);

    public bool IsListed(string issuer) => listed.Contains(issuer);

    /// <summary>
    /// With a list, only its exact strings are trusted. Without one, any issuer passing the strict URL rules is; such an
    /// issuer is never "explicitly listed", so it can never be plain http or loopback.
    /// </summary>
    public bool IsTrusted(string issuer, out bool explicitlyListed)
    {
        explicitlyListed = listed.Contains(issuer);
        if (listed.Count > 0 && !explicitlyListed)
        {
            return false;
        }

        return IssuerUrl.IsAcceptable(issuer, explicitlyListed, out _);
    }
}
