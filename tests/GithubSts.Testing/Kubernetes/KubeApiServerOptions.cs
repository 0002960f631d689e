namespace GithubSts.Testing.Kubernetes;

/// <summary>How to start a <see cref="KubeApiServer"/>.</summary>
public sealed record KubeApiServerOptions
{
    /// <summary>Extra static-token users (<c>--token-auth-file</c>), e.g. a restricted user for 403 tests.</summary>
    public IReadOnlyList<StaticTokenUser> Users { get; init; } = [];

    /// <summary>The service-account token issuer (<c>iss</c>) and a default API audience.</summary>
    public string ServiceAccountIssuer { get; init; } = KubeApiServer.DefaultServiceAccountIssuer;

    /// <summary>Audiences accepted by TokenReview in addition to <see cref="ServiceAccountIssuer"/>.</summary>
    public IReadOnlyList<string> ExtraApiAudiences { get; init; } = [];

    /// <summary>
    /// Resources (<c>plural[.group]</c>, e.g. <c>configmaps</c>) served without the watch cache, straight from etcd: a
    /// watch from a compacted resourceVersion then fails with 410 (see <see cref="KubeApiServer.CompactEtcdAsync"/>).
    /// </summary>
    public IReadOnlyList<string> UncachedResources { get; init; } = [];

    /// <summary>More kube-apiserver flags (<c>--name=value</c>).</summary>
    public IReadOnlyList<string> ExtraApiServerArguments { get; init; } = [];

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);
}

/// <summary>A line of the token auth file: <c>token,user,uid,"group1,group2"</c>.</summary>
public sealed record StaticTokenUser(string Token, string Name, string Uid, IReadOnlyList<string> Groups);
