using GithubSts.Testing.Kubernetes;

namespace GithubSts.Operator.Tests.Infrastructure;

/// <summary>The API server shared by the Kubernetes tests of the operator (a restricted user, configmaps uncached).</summary>
public sealed class OperatorKubeFixture : KubeApiServerFixture
{
    public const string RestrictedToken = "restricted-token-0123456789";
    public const string RestrictedUser = "restricted";

    protected override KubeApiServerOptions Options => new()
    {
        Users = [new StaticTokenUser(RestrictedToken, RestrictedUser, "restricted-uid", [])],
        UncachedResources = ["configmaps"],
        ExtraApiAudiences = ["github-sts"],
    };
}

/// <summary>Tests that only read and write (run one after another on one server).</summary>
[CollectionDefinition(Name)]
public sealed class KubeApiServerGroup : ICollectionFixture<OperatorKubeFixture>
{
    public const string Name = "kube-apiserver";
}

/// <summary>Tests that restart the API server, compact etcd or cut connections: their own server, in parallel with the others.</summary>
[CollectionDefinition(Name)]
public sealed class KubeApiServerFaultsGroup : ICollectionFixture<OperatorKubeFixture>
{
    public const string Name = "kube-apiserver-faults";
}
