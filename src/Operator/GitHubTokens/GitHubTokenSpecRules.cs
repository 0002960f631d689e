using GithubSts.Exchange.Policies;
using GithubSts.Exchange.Requests;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Authentication;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>
/// Checks a GitHubToken's spec with the rules TrustPolicies use: the permission catalogue and scope rules
/// (<see cref="PermissionRules"/>: repository permissions only for a repository scope) and the repository rules
/// (<see cref="RepositoryRules"/>: an organization scope lists its repositories, <c>*</c> being the explicit opt-in to
/// the whole installation). The App's ceiling and tenancy are checked separately, against the App's current state.
/// </summary>
public static class GitHubTokenSpecRules
{
    /// <summary>Prefixes of labels and annotations the operator sets itself.</summary>
    private static readonly string[] ReservedPrefixes = ["githubsts.io/", "argocd.argoproj.io/secret-type"];

    public sealed record Outcome(TokenRequest? Request, string Message);

    public static Outcome Validate(GitHubToken resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var spec = resource.Spec;
        if (!ExchangeTarget.TryParse(spec.Scope, out var target))
        {
            return Invalid("scope must be 'org' or 'org/repo'");
        }

        var kind = target.IsOrganization ? PolicyScopeKind.Organization : PolicyScopeKind.Repository;
        var errors = new List<PolicyError>();
        var permissions = PermissionRules.Compile(spec.Permissions, kind, errors);
        var repositories = RepositoryRules.Compile(spec.Repositories, kind, errors, out var every);
        if (errors.Count > 0 || permissions is null)
        {
            return Invalid(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        }

        var secretName = spec.Secret?.Name ?? resource.Metadata.Name ?? string.Empty;
        if (!ServiceAccountClaims.IsDnsSubdomain(secretName))
        {
            return Invalid("secret.name must be a lower-case DNS subdomain (a Secret name)");
        }

        if (!SecretFormats.TryParse(spec.Secret?.Format, out var format))
        {
            return Invalid($"secret.format must be {SecretFormats.Token}, {SecretFormats.BasicAuth}, {SecretFormats.ArgoCdRepository} or {SecretFormats.GitCredentials}");
        }

        var labels = spec.Secret?.Labels ?? [];
        var annotations = spec.Secret?.Annotations ?? [];
        if (labels.Keys.Concat(annotations.Keys).FirstOrDefault(IsReserved) is { } reserved)
        {
            return Invalid($"secret labels and annotations may not use {reserved}: the operator sets it");
        }

        if (!RefreshDuration.TryParse(spec.RefreshBefore, out var refreshBefore))
        {
            return Invalid($"refreshBefore must be a duration such as 15m or 1m30s, between {RefreshDuration.Minimum.TotalSeconds:0}s and {RefreshDuration.Maximum.TotalMinutes:0}m");
        }

        var plan = new SecretPlan(secretName, format, labels.AsReadOnly(), annotations.AsReadOnly());
        return new Outcome(new TokenRequest(spec.App, target, permissions, repositories, every, plan, refreshBefore), "the spec is valid");
    }

    private static bool IsReserved(string key) => ReservedPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    private static Outcome Invalid(string message) => new(null, message);
}
