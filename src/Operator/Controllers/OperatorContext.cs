namespace GithubSts.Operator.Controllers;

/// <summary>Facts every reconciler needs: where the operator runs and this cluster's token issuer.</summary>
public sealed class OperatorContext(string operatorNamespace, Func<string?> clusterIssuer)
{
    /// <summary>The operator's own namespace: App key Secrets live here, and it is the default tenant of every App.</summary>
    public string Namespace { get; } = operatorNamespace;

    public string? ClusterIssuer => clusterIssuer();
}
