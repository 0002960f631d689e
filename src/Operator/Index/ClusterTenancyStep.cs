using GithubSts.Exchange.Pipeline;

namespace GithubSts.Operator.Index;

/// <summary>
/// Tenancy: a token issued by this cluster may only use TrustPolicies of its own namespace, whatever the policy's
/// subject rule says. Runs after the policy matched and before anything is minted.
/// </summary>
public sealed class ClusterTenancyStep(Func<string?> clusterIssuer) : IExchangeStep
{
    public const string NamespaceClaim = "kubernetes.io.namespace";

    public int Order => ExchangeStepOrder.Authorize + 100;

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        if (context.Policy is not IndexedPolicy policy
            || !string.Equals(context.Caller.Issuer, clusterIssuer(), StringComparison.Ordinal))
        {
            return ValueTask.CompletedTask;
        }

        if (context.Caller.TryGetClaim(NamespaceClaim, out var ns)
            && ns.ValueKind == System.Text.Json.JsonValueKind.String
            && string.Equals(ns.GetString(), policy.Namespace, StringComparison.Ordinal))
        {
            return ValueTask.CompletedTask;
        }

        throw ExchangeException.AccessDenied("cross_namespace", $"cluster token from another namespace than TrustPolicy {policy.Namespace}/{policy.Name}");
    }
}
