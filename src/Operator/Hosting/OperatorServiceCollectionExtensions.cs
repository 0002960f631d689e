using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Telemetry;
using GithubSts.Operator.Authentication;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Runtime;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GithubSts.Operator.Hosting;

public static class OperatorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the operator on top of the exchange: TrustPolicy index (before repository files), GitHubApp registry,
    /// cluster token validation with TokenReview, the tenancy step, and the informers/controllers/leader election.
    /// </summary>
    public static IServiceCollection AddGithubStsOperator(
        this IServiceCollection services, KubernetesClientConfiguration cluster, GithubStsOptions options)
    {
        var settings = options.Kubernetes;
        var operatorNamespace = settings.Namespace ?? cluster.Namespace ?? "default";

        services.AddSingleton(sp => new KubernetesApiClient(cluster, sp.GetRequiredService<ILogger<KubernetesApiClient>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new KubernetesTokenValidator(
            new KubernetesClusterIdentityApi(sp.GetRequiredService<KubernetesApiClient>()),
            new KubernetesTokenOptions
            {
                Audience = options.Identifier,
                TokenReviewEnabled = settings.TokenReview,
                RequirePodBinding = settings.RequirePodBinding,
                ClockSkew = options.Oidc.ClockSkew,
                MaxTokenLifetime = options.Oidc.MaxTokenLifetime,
                PinnedIssuers = options.Oidc.PinnedIssuers
                    .Select((p, i) => (p.Issuer, Setting: $"sts.issuers[{i}]"))
                    .ToDictionary(p => p.Issuer, p => p.Setting, StringComparer.Ordinal),
            },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<KubernetesTokenValidator>>()));
        services.AddSingleton(settings.GithubTokens);
        services.AddSingleton(sp => new OperatorContext(operatorNamespace, () => sp.GetRequiredService<KubernetesTokenValidator>().ClusterIssuer));

        services.AddSingleton(new ClusterAppRegistry(options.Apps));
        services.Replace(ServiceDescriptor.Singleton<IGitHubAppRegistry>(sp => sp.GetRequiredService<ClusterAppRegistry>()));
        services.Replace(ServiceDescriptor.Singleton<IIdentityTokenValidator>(sp => new IssuerRoutingTokenValidator(
            sp.GetRequiredService<KubernetesTokenValidator>(),
            sp.GetRequiredService<Exchange.Identity.OidcTokenValidator>(),
            options.Oidc.PinnedIssuers.Select(p => p.Issuer))));

        services.AddSingleton(sp =>
        {
            var index = new PolicyIndex();
            sp.GetRequiredService<GithubStsMetrics>().Meter.CreateObservableGauge(
                "githubsts_policy_index_policies", () => (long)index.Count, "{policy}", "TrustPolicies in this replica's policy index.");
            return index;
        });
        services.AddSingleton<IPolicySource>(sp => sp.GetRequiredService<PolicyIndex>());
        services.AddSingleton<IExchangeStep>(sp => new ClusterTenancyStep(() => sp.GetRequiredService<KubernetesTokenValidator>().ClusterIssuer));

        // Our elector (not the library's, which keeps the Lease on stop: 15 s failover per rollout) on the library's Lease calls.
        services.AddSingleton(sp => new LeaderElector(
            sp.GetRequiredService<KubernetesApiClient>(),
            new LeaderElectionOptions { Namespace = operatorNamespace, LeaseName = settings.LeaseName },
            sp.GetRequiredService<ILogger<LeaderElector>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<OperatorHost>();
        return services;
    }
}
