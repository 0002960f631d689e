using GithubSts.Exchange.Health;
using Microsoft.Extensions.Hosting;

namespace GithubSts.Exchange.Replay.Redis;

/// <summary>
/// Makes <c>/readyz</c> fail while Redis refuses this replica (credentials, ACL, certificate): a configuration error
/// of this replica, so a rollout with a wrong password stalls while the old replicas keep serving. Redis being down or
/// slow is not counted: every replica shares that, and an exchange then fails closed with a 503 and Retry-After, which
/// is a better answer than no replica at all.
/// </summary>
public sealed class RedisReadiness(ServiceReadiness readiness, RedisConnection connection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        readiness.AddCheck("replay store (Redis refuses this client)", () => connection.Rejection is null);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
