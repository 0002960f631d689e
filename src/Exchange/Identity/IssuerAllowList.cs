using System.Collections.Frozen;

namespace GithubSts.Exchange.Identity;

/// <summary>The operator's issuer list as an ordinal set, plus the issuer-acceptance decision both components share.</summary>
internal sealed class IssuerAllowList(OidcValidationOptions options)
{
    private readonly FrozenSet<string> listed = options.AllowedIssuers.ToFrozenSet(StringComparer.Ordinal);
    private readonly FrozenSet<string> pinned = options.PinnedIssuers.Select(p => p.Issuer).ToFrozenSet(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Listed => listed;

    public bool IsListed(string issuer) => listed.Contains(issuer);

    /// <summary>
    /// A listed issuer is trusted. Any other issuer only with <see cref="OidcValidationOptions.AllowAnyIssuer"/>, and then
    /// only if it passes the strict URL rules; such an issuer is never "explicitly listed", so it can never be plain http
    /// or loopback. Without a list and without that setting, nothing is trusted (fail closed).
    /// </summary>
    /// <remarks>
    /// A pinned issuer (exact, ordinal) is trusted whatever its scheme: its keys are configured and it is never fetched.
    /// A near miss (a trailing slash, other case) is just another issuer and takes the rules below.
    /// </remarks>
    public bool IsTrusted(string issuer, out bool explicitlyListed)
    {
        if (pinned.Contains(issuer))
        {
            explicitlyListed = true;
            return true;
        }

        explicitlyListed = listed.Contains(issuer);
        if (!explicitlyListed && !options.AllowAnyIssuer)
        {
            return false;
        }

        return IssuerUrl.IsAcceptable(issuer, explicitlyListed, out _);
    }
}
