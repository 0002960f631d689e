using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Health;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Pipeline.Steps;
using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Replay;
using GithubSts.Exchange.Replay.Redis;
using GithubSts.Exchange.Telemetry;
using GithubSts.Exchange.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange;

public static class ExchangeServiceCollectionExtensions
{
    /// <summary>Registers the token exchange: validation, policy sources, GitHub client, pipeline and readiness.</summary>
    public static IServiceCollection AddGithubStsExchange(this IServiceCollection services, GithubStsOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new ServiceIdentity(
            options.Identifier,
            options.Audiences,
            options.Oidc.PinnedIssuers.Where(p => p.Audiences is not null).ToDictionary(p => p.Issuer, p => p.Audiences!, StringComparer.Ordinal)));
        services.AddSingleton(new GitHubActionsIssuers(options.GitHubActionsIssuers));
        services.TryAddSingleton<IGitHubAppRegistry>(new StaticAppRegistry(options.Apps));

        services.AddSingleton(sp => new AppJwtFactory(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<GithubStsMetrics>(), sp.GetRequiredService<ILogger<AppJwtFactory>>()));
        services.AddSingleton(sp => new GitHubApiClient(
            GitHubApiClient.CreateHttpClient(traced: sp.GetRequiredService<OtlpMetricsExport>().Enabled),
            sp.GetRequiredService<AppJwtFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GitHubApiClient>>(),
            metrics: sp.GetRequiredService<GithubStsMetrics>()));

        services.AddSingleton(sp => new OidcMetadataCache(
            options.Oidc,
            OidcMetadataCache.CreateHttpClient(options.Oidc),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OidcMetadataCache>>()));
        services.AddSingleton(sp => new OidcTokenValidator(
            options.Oidc,
            sp.GetRequiredService<OidcMetadataCache>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OidcTokenValidator>>()));
        services.TryAddSingleton<IIdentityTokenValidator>(sp => sp.GetRequiredService<OidcTokenValidator>());

        services.AddSingleton(options.RepositoryPolicies);
        services.AddSingleton<RepositoryPolicySource>();
        services.AddSingleton<IPolicySource>(sp => sp.GetRequiredService<RepositoryPolicySource>());

        services.AddSingleton<IExchangeStep, ValidateRequestStep>();
        services.AddSingleton<IExchangeStep, ValidateTokenStep>();
        services.AddSingleton<IExchangeStep, SelectAppStep>();
        services.AddSingleton<IExchangeStep, ResolvePolicyStep>();
        services.AddSingleton<IExchangeStep, AuthorizeStep>();
        services.AddSingleton<IExchangeStep, NarrowStep>();
        services.AddSingleton<IExchangeStep, MintTokenStep>();
        if (options.Replay.Backend != ReplayBackend.None)
        {
            services.TryAddSingleton(sp => new ReplayReleaser(
                sp.GetRequiredService<IReplayStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ReplayReleaser>>()));
            services.AddHostedService(sp => sp.GetRequiredService<ReplayReleaser>());
        }

        switch (options.Replay.Backend)
        {
            case ReplayBackend.Memory:
                services.TryAddSingleton<IReplayStore>(sp => new MemoryReplayStore(sp.GetRequiredService<TimeProvider>(), options.Replay.MaxEntries));
                services.AddSingleton<IExchangeStep, ReplayProtectionStep>();
                break;
            case ReplayBackend.Redis:
                services.TryAddSingleton(sp => new RedisConnection(
                    options.Replay.Redis!, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisConnection>>()));
                services.TryAddSingleton<IReplayStore>(sp => new RedisReplayStore(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<TimeProvider>()));
                services.AddSingleton<IExchangeStep, ReplayProtectionStep>();
                services.AddHostedService<RedisReadiness>();
                break;
        }

        services.TryAddSingleton(sp => new InFlightExchanges(sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<InFlightExchanges>());
        services.AddSingleton<ExchangePipeline>();

        if (options.Audit.Stdout || options.Audit.FilePath is not null)
        {
            services.AddGithubStsAudit(options.Audit);
        }

        services.AddGithubStsWebhooks(options);
        services.AddSingleton<ServiceReadiness>();
        services.AddGithubStsTelemetry();
        services.AddHostedService<AppVerifier>();
        if (options.Warmup > TimeSpan.Zero)
        {
            services.AddSingleton(sp => new Warmup.HotPathWarmup(
                options.Warmup,
                sp,
                sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>(),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<ServiceReadiness>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<Warmup.HotPathWarmup>>()));
            services.AddHostedService(sp => sp.GetRequiredService<Warmup.HotPathWarmup>());
        }

        return services;
    }
}
