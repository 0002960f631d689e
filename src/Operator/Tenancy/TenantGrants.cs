using GithubSts.Exchange.Requests;
using GithubSts.Operator.Apis.V1Alpha1;

namespace GithubSts.Operator.Tenancy;

/// <summary>What a GitHubApp lets one namespace speak for, for one scope.</summary>
public readonly record struct GrantDecision(bool Granted, bool OverridesRepositoryPolicies)
{
    public static GrantDecision Refused => default;
}

/// <summary>
/// A GitHubApp's <c>tenants</c>: which namespaces may define TrustPolicies for which scopes. A namespace may define a
/// policy for a scope only when a grant that names or selects it lists a pattern covering that scope. The operator's own
/// namespace is the administrators' and may use every scope (as with apps from the configuration file).
/// <c>allowedNamespaces</c> grants nothing: it used to hand a namespace every repository of every installation.
/// </summary>
public static class TenantGrants
{
    public const int MaxGrants = 100;
    public const int MaxPatternsPerGrant = 1000;

    /// <summary>Null when every grant is well-formed, else the first problem (the App is then not usable at all).</summary>
    public static string? Problem(IReadOnlyList<TenantGrant>? grants)
    {
        if (grants is null)
        {
            return null;
        }

        if (grants.Count > MaxGrants)
        {
            return $"tenants: at most {MaxGrants} grants";
        }

        for (var i = 0; i < grants.Count; i++)
        {
            var grant = grants[i];
            var where = $"tenants[{i}]";
            if ((grant.Namespaces is null || grant.Namespaces.Count == 0) && grant.NamespaceSelector is null)
            {
                return $"{where}: names no namespaces (set namespaces or namespaceSelector)";
            }

            if (grant.Namespaces?.FirstOrDefault(n => !IsNamespaceName(n)) is { } badName)
            {
                return $"{where}.namespaces: '{badName}' is not a namespace name";
            }

            if (grant.NamespaceSelector is { } selector && LabelSelectors.Problem(selector) is { } selectorProblem)
            {
                return $"{where}.namespaceSelector: {selectorProblem}";
            }

            if (grant.Repositories is not { Count: > 0 } repositories)
            {
                return $"{where}.repositories: list at least one owner/repo, owner/* or owner";
            }

            if (repositories.Count > MaxPatternsPerGrant)
            {
                return $"{where}.repositories: at most {MaxPatternsPerGrant} entries";
            }

            if (repositories.FirstOrDefault(r => !ScopeGrantPattern.TryParse(r, out _)) is { } badPattern)
            {
                return $"{where}.repositories: '{badPattern}' is not owner/repo, owner/* or owner";
            }
        }

        return null;
    }

    /// <param name="labels">The namespace's labels (empty when it has none); null when the namespace is not known yet.</param>
    public static GrantDecision Evaluate(
        IReadOnlyList<TenantGrant>? grants, string ns, IReadOnlyDictionary<string, string>? labels, ExchangeTarget scope, string operatorNamespace)
    {
        var granted = string.Equals(ns, operatorNamespace, StringComparison.Ordinal);
        var overrides = false;
        foreach (var grant in grants ?? [])
        {
            if (!Selects(grant, ns, labels) || !Covers(grant, scope))
            {
                continue;
            }

            granted = true;
            overrides |= grant.OverrideRepositoryPolicies == true;
        }

        return new GrantDecision(granted, granted && overrides);
    }

    private static bool Selects(TenantGrant grant, string ns, IReadOnlyDictionary<string, string>? labels) =>
        grant.Namespaces?.Contains(ns, StringComparer.Ordinal) == true
        || (grant.NamespaceSelector is { } selector && labels is not null && LabelSelectors.Matches(selector, labels));

    private static bool Covers(TenantGrant grant, ExchangeTarget scope) =>
        grant.Repositories?.Any(r => ScopeGrantPattern.TryParse(r, out var pattern) && pattern.Covers(scope)) == true;

    /// <summary>An RFC 1123 label, as Kubernetes requires of namespace names.</summary>
    private static bool IsNamespaceName(string name) =>
        name.Length is > 0 and <= 63
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && (char.IsAsciiLetterLower(name[^1]) || char.IsAsciiDigit(name[^1]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
