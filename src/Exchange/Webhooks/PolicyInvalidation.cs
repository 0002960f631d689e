namespace GithubSts.Exchange.Webhooks;

/// <summary>Cached policies of one App and repository that a push to the default branch made stale.</summary>
/// <param name="Paths">The policy files that changed; empty: every cached entry of the repository.</param>
/// <param name="Directory">The App's policy directory, whose listing is dropped with the files.</param>
public sealed record PolicyInvalidation(string App, string Owner, string Repository, string Directory, IReadOnlyList<string> Paths)
{
    public bool WholeRepository => Paths.Count == 0;
}

/// <summary>Tells the other replicas about an invalidation this replica applied.</summary>
public interface IPolicyInvalidationChannel
{
    /// <summary>Never throws: a failure is logged, and the others then converge within the cache TTL.</summary>
    ValueTask PublishAsync(PolicyInvalidation invalidation, CancellationToken cancellationToken);
}

/// <summary>No channel (no Redis): other replicas see the new file when their cache entry expires (<c>policies.cacheTtlSeconds</c>).</summary>
public sealed class NoPolicyInvalidationChannel : IPolicyInvalidationChannel
{
    public ValueTask PublishAsync(PolicyInvalidation invalidation, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
