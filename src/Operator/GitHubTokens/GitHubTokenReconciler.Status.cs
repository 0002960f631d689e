using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Controllers;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>Reporting: the <c>Ready</c> condition and the token fields, written only when they changed.</summary>
public sealed partial class GitHubTokenReconciler
{
    /// <param name="fields">The token fields to keep or set (its conditions and observedGeneration are replaced here).</param>
    private Task ReportAsync(GitHubToken resource, string reason, string message, GitHubTokenStatus? fields, CancellationToken ct)
    {
        var generation = resource.Metadata.Generation;
        var conditions = new ConditionSet(resource.Status?.Conditions, generation, time.GetUtcNow())
            .Set(ConditionTypes.Ready, reason == ConditionReasons.Issued ? ConditionStatus.True : ConditionStatus.False, reason, message)
            .Conditions;
        var next = new GitHubTokenStatus
        {
            ObservedGeneration = generation,
            Conditions = [.. conditions],
            IssuedGeneration = fields?.IssuedGeneration,
            App = fields?.App,
            Scope = fields?.Scope,
            SecretName = fields?.SecretName,
            ExpiresAt = fields?.ExpiresAt,
            RefreshedAt = fields?.RefreshedAt,
            Permissions = fields?.Permissions,
            Repositories = fields?.Repositories,
            TokenFingerprint = fields?.TokenFingerprint,
        };
        return Same(resource.Status, next) ? Task.CompletedTask : resources.WriteStatusAsync(resource, next, ct);
    }

    private static bool Same(GitHubTokenStatus? a, GitHubTokenStatus b) =>
        a is not null
        && a.ObservedGeneration == b.ObservedGeneration
        && ConditionSet.Same(a.Conditions, b.Conditions)
        && a.IssuedGeneration == b.IssuedGeneration
        && string.Equals(a.SecretName, b.SecretName, StringComparison.Ordinal)
        && string.Equals(a.App, b.App, StringComparison.Ordinal)
        && string.Equals(a.Scope, b.Scope, StringComparison.Ordinal)
        && a.ExpiresAt == b.ExpiresAt
        && a.RefreshedAt == b.RefreshedAt
        && string.Equals(a.TokenFingerprint, b.TokenFingerprint, StringComparison.Ordinal);
}
