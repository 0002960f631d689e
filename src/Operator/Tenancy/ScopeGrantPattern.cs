using GithubSts.Exchange.Requests;

namespace GithubSts.Operator.Tenancy;

/// <summary>
/// One entry of a grant's <c>repositories</c>: <c>owner/repo</c> (that repository), <c>owner/*</c> (every repository
/// of the owner, not the organization scope) or <c>owner</c> (the owner's organization scope only). No other wildcard:
/// a grant says exactly which owners it hands out. Compared case-insensitively, as GitHub compares names.
/// </summary>
public sealed record ScopeGrantPattern(string Owner, string? Repository, bool AnyRepository)
{
    public static bool TryParse(string? text, out ScopeGrantPattern pattern)
    {
        pattern = null!;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.EndsWith("/*", StringComparison.Ordinal))
        {
            var owner = text[..^2];
            if (!NameGrammar.IsOwner(owner))
            {
                return false;
            }

            pattern = new ScopeGrantPattern(owner, null, AnyRepository: true);
            return true;
        }

        if (!ExchangeTarget.TryParse(text, out var target))
        {
            return false;
        }

        pattern = new ScopeGrantPattern(target.Owner, target.Repository, AnyRepository: false);
        return true;
    }

    public bool Covers(ExchangeTarget scope)
    {
        if (!string.Equals(Owner, scope.Owner, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (AnyRepository)
        {
            return !scope.IsOrganization;
        }

        return Repository is null
            ? scope.IsOrganization
            : !scope.IsOrganization && string.Equals(Repository, scope.Repository, StringComparison.OrdinalIgnoreCase);
    }
}
