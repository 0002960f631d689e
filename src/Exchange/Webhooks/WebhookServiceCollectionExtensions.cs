using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.Replay;
using GithubSts.Exchange.Webhooks.Checks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// The webhook: delivery memory and invalidation channel in Redis when the replay store is Redis (shared by every
    /// replica), otherwise in this process and none.
    /// </summary>
    public static IServiceCollection AddGithubStsWebhooks(this IServiceCollection services, GithubStsOptions options)
    {
        services.AddSingleton(options.Webhook);
        if (options.Replay.Backend == ReplayBackend.Redis)
        {
            services.AddSingleton(sp => new WebhookDeliveries(sp.GetRequiredService<IReplayStore>()));
            services.AddSingleton(sp => new RedisPolicyInvalidationChannel(
                sp.GetRequiredService<Replay.Redis.RedisConnection>(),
                sp.GetRequiredService<PolicyCacheInvalidator>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RedisPolicyInvalidationChannel>>()));
            services.AddSingleton<IPolicyInvalidationChannel>(sp => sp.GetRequiredService<RedisPolicyInvalidationChannel>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisPolicyInvalidationChannel>());
        }
        else
        {
            // Never the token replay store: webhook traffic must not fill what exchanges depend on.
            services.AddSingleton(sp => new WebhookDeliveries(
                new MemoryReplayStore(sp.GetRequiredService<TimeProvider>(), options.Webhook.MaxRememberedDeliveries)));
            services.AddSingleton<IPolicyInvalidationChannel, NoPolicyInvalidationChannel>();
        }

        services.AddSingleton<PolicyCacheInvalidator>();
        services.TryAddSingleton<IPolicyFileChecker, LinterPolicyFileChecker>();
        services.AddSingleton<PolicyCheckRunner>();
        services.AddSingleton<WebhookReceiver>();
        return services;
    }
}
