using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Telemetry;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Webhooks;

/// <summary>Applies invalidations to this replica's cache, with one log line and one metric per file (or repository).</summary>
public sealed partial class PolicyCacheInvalidator(RepositoryPolicySource source, GithubStsMetrics metrics, ILogger<PolicyCacheInvalidator> logger)
{
    public const string FromWebhook = "webhook";
    public const string FromPeer = "peer";

    /// <param name="origin"><see cref="FromWebhook"/> or <see cref="FromPeer"/>.</param>
    public void Apply(PolicyInvalidation invalidation, string origin)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        if (invalidation.WholeRepository)
        {
            source.InvalidateRepository(invalidation.App, invalidation.Owner, invalidation.Repository);
            metrics.PolicyInvalidated(origin);
            LogRepositoryInvalidated(invalidation.App, invalidation.Owner, invalidation.Repository, origin);
            return;
        }

        foreach (var path in invalidation.Paths)
        {
            source.Invalidate(invalidation.App, invalidation.Owner, invalidation.Repository, path, invalidation.Directory);
            metrics.PolicyInvalidated(origin);
            LogFileInvalidated(invalidation.App, invalidation.Owner, invalidation.Repository, path, origin);
        }
    }

    [LoggerMessage(EventId = 7401, Level = LogLevel.Information,
        Message = "App {App}: cached policy {Owner}/{Repository}/{Path} invalidated ({Origin}); the next exchange reads the new file")]
    private partial void LogFileInvalidated(string app, string owner, string repository, string path, string origin);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Information,
        Message = "App {App}: every cached policy of {Owner}/{Repository} invalidated ({Origin}): the push did not list all changed files")]
    private partial void LogRepositoryInvalidated(string app, string owner, string repository, string origin);
}
