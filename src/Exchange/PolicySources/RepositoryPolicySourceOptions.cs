namespace GithubSts.Exchange.PolicySources;

public sealed class RepositoryPolicySourceOptions
{
    /// <summary>How long a compiled policy is reused (<c>policies.cacheTtlSeconds</c>); zero disables caching.</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long "no policy here" (missing, unreadable or invalid file) is remembered.</summary>
    public TimeSpan NotFoundTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the last good copy may be served while GitHub rate-limits policy reads.</summary>
    public TimeSpan StaleTtl { get; init; } = TimeSpan.FromHours(1);

    public int MaxEntries { get; init; } = 10_000;

    public int MaxPolicyBytes { get; init; } = 64 * 1024;
}
