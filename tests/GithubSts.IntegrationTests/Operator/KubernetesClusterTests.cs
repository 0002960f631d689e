namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Each class of this collection starts its own etcd + kube-apiserver; on a 2-core machine they must not run at the
/// same time as each other or as the rest of the suite, or the timing targets measure contention.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KubernetesClusterTests
{
    public const string Name = "Kubernetes cluster";
}
