using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Health;
using GithubSts.Exchange.Telemetry;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Authentication;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.GitHubTokens;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;

namespace GithubSts.Operator.Hosting;

/// <summary>
/// The operator inside the service: informers for GitHubApps, TrustPolicies, key Secrets and Namespaces, one controller
/// per resource, and leader election. Every replica runs the informers and reconcilers (each keeps its own policy
/// index and app registry); only the leader writes status.
/// </summary>
public sealed partial class OperatorHost(
    KubernetesApiClient client,
    OperatorContext context,
    PolicyIndex index,
    ClusterAppRegistry registry,
    GitHubApiClient github,
    KubernetesTokenValidator clusterTokens,
    LeaderElector elector,
    ServiceReadiness readiness,
    GithubTokenSettings githubTokens,
    IEnumerable<AuditTrail> audit,
    GithubStsMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan IssuerRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan InitialOrderingTimeout = TimeSpan.FromSeconds(30);
    private readonly ILogger _logger = loggers.CreateLogger<OperatorHost>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var apps = Informer<GitHubApp>(GithubStsResourceTypes.GitHubApps, null);
        var policies = Informer<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, null);
        var secrets = Informer<Secret>(ResourceTypes.Secrets, context.Namespace);
        var namespaces = Informer<Namespace>(ResourceTypes.Namespaces, null);
        readiness.AddCheck("kubernetes informers", () => apps.HasSynced && policies.HasSynced && secrets.HasSynced && namespaces.HasSynced);

        var events = new EventRecorder(client, () => elector.IsLeader, loggers.CreateLogger<EventRecorder>(), time,
            // Events about cluster-scoped GitHubApps: kube-system is the namespace every Kubernetes version accepts
            // for new-style Events (1.20 accepts only it; later releases also take default).
            new EventRecorderOptions { ReportingController = "githubsts.io/github-sts", DefaultNamespace = "kube-system" });
        var status = new StatusWriter(client, () => elector.IsLeader, events);
        var appController = new Controller<ObjectKey>(
            "githubapp",
            new GitHubAppReconciler(apps, secrets, registry, github, status, context, time, loggers.CreateLogger<GitHubAppReconciler>()),
            loggers.CreateLogger("GithubSts.Operator.Controllers.GitHubApp"),
            time);
        var policyController = new Controller<ObjectKey>(
            "trustpolicy",
            new TrustPolicyReconciler(policies, apps, namespaces, registry, index, status, context, time),
            loggers.CreateLogger("GithubSts.Operator.Controllers.TrustPolicy"),
            time,
            // A reconcile is microseconds of CPU plus one status write: the workers mostly wait on the API server, and
            // enough of them keep the index close behind a mass apply (5,000 policies: 43 s → 24 s Ready with 16).
            new ControllerOptions { Workers = 16 });

        var tokenController = githubTokens.Enabled
            ? new GitHubTokenController(client, githubTokens, apps, namespaces, registry, github, status, audit.FirstOrDefault(), metrics, context, elector, time, loggers)
            : null;
        if (tokenController is not null)
        {
            readiness.AddCheck("githubtoken informer", () => tokenController.HasSynced);
        }

        // Not ready until every TrustPolicy the cluster held at start-up is in the index (or known to be refused):
        // a new replica must not answer 403 for policies that exist.
        readiness.AddCheck("trust policy index", () => policyController.Initial.IsCompleted);

        void EnqueuePoliciesOf(string appName)
        {
            foreach (var policy in policies.List().Where(p => string.Equals(p.Spec.App, appName, StringComparison.Ordinal)))
            {
                policyController.Enqueue(ObjectKey.For(policy));
            }
        }

        apps.AddHandler(InformerHandler.ForAll<GitHubApp>(app =>
        {
            appController.Enqueue(ObjectKey.For(app));
            EnqueuePoliciesOf(app.Metadata.Name!);
        }));

        // A rotated key or webhook Secret reloads every App that points at it.
        secrets.AddHandler(InformerHandler.ForAll<Secret>(secret =>
        {
            foreach (var app in apps.List().Where(a => a.Spec.PrivateKeySecretRef?.Name == secret.Metadata.Name
                                                       || a.Spec.WebhookSecretRef?.Name == secret.Metadata.Name))
            {
                appController.Enqueue(ObjectKey.For(app));
            }
        }));

        // Deleting a TrustPolicy removes it from the index at once, before any reconcile runs.
        policies.AddHandler(new InformerHandler<TrustPolicy>(
            onAdd: p => policyController.Enqueue(ObjectKey.For(p)),
            onUpdate: (_, p) => policyController.Enqueue(ObjectKey.For(p)),
            onDelete: p =>
            {
                index.Remove(p.Metadata.Namespace!, p.Metadata.Name!);
                policyController.Enqueue(ObjectKey.For(p));
            }));

        namespaces.AddHandler(InformerHandler.ForAll<Namespace>(ns =>
        {
            foreach (var policy in policies.List().Where(p => p.Metadata.Namespace == ns.Metadata.Name))
            {
                policyController.Enqueue(ObjectKey.For(policy));
            }
        }));

        // When the winner of a contested key may have changed, the competitors' Ready conditions change too.
        // Only the candidates of that key are touched: scanning every policy here would be quadratic at scale.
        index.KeyChanged += (key, removal) =>
        {
            var candidates = index.Candidates(key);
            if (candidates.Count > 1 || (removal && candidates.Count == 1))
            {
                foreach (var candidate in candidates)
                {
                    policyController.Enqueue(new ObjectKey(candidate.Namespace, candidate.Name));
                }
            }
        };

        // A new leader writes every status its predecessor may have left stale.
        elector.StartedLeading += () =>
        {
            LogLeading(elector.Identity);
            foreach (var app in apps.List())
            {
                appController.Enqueue(ObjectKey.For(app));
            }

            foreach (var policy in policies.List())
            {
                policyController.Enqueue(ObjectKey.For(policy));
            }
        };

        var issuerDiscovered = DiscoverClusterIssuerAsync(
            () =>
            {
                // serviceAccount policies waited for the issuer: reconcile them now rather than at their next retry.
                foreach (var policy in policies.List())
                {
                    policyController.Enqueue(ObjectKey.For(policy));
                }
            },
            stoppingToken);
        var tasks = new List<Task>
        {
            issuerDiscovered,
            apps.RunAsync(stoppingToken),
            policies.RunAsync(stoppingToken),
            secrets.RunAsync(stoppingToken),
            namespaces.RunAsync(stoppingToken),
            elector.RunAsync(stoppingToken),
        };
        if (tokenController is not null)
        {
            tasks.Add(tokenController.RunInformerAsync(stoppingToken));
        }

        try
        {
            await Task.WhenAll(apps.WaitForSyncAsync(stoppingToken), policies.WaitForSyncAsync(stoppingToken),
                secrets.WaitForSyncAsync(stoppingToken), namespaces.WaitForSyncAsync(stoppingToken));
            LogSynced(apps.Count, policies.Count);
            appController.Initial.Expect(apps.List().Select(ObjectKey.For));
            tasks.Add(appController.RunAsync(stoppingToken));

            // Policies are admitted against their App's state and serviceAccount ones need the cluster issuer: wait
            // (bounded) for both, so the first reconcile of each policy is already the right one.
            await WaitBoundedAsync(Task.WhenAll(appController.Initial.Completion, issuerDiscovered), stoppingToken);
            policyController.Initial.Expect(policies.List().Select(ObjectKey.For));
            tasks.Add(policyController.RunAsync(stoppingToken));
            if (tokenController is not null)
            {
                // Admitted against their App's state like policies, so started once the Apps were first reconciled.
                await tokenController.WaitForSyncAsync(stoppingToken);
                tasks.Add(tokenController.RunControllerAsync(stoppingToken));
            }

            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Graceful stop: the elector releases the Lease as its RunAsync unwinds.
            await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    private async Task WaitBoundedAsync(Task prerequisites, CancellationToken ct)
    {
        try
        {
            await prerequisites.WaitAsync(InitialOrderingTimeout, time, ct);
        }
        catch (TimeoutException)
        {
            LogPrerequisitesSlow(InitialOrderingTimeout.TotalSeconds);
        }
    }

    private Informer<T> Informer<T>(ResourceType type, string? ns)
        where T : KubernetesObject =>
        new(client, type, ns, loggers.CreateLogger($"GithubSts.Operator.Informer.{type.Plural}"), time);

    /// <summary>The cluster's issuer is needed by <c>serviceAccount</c> policies and by token routing; keep trying until it is known.</summary>
    private async Task DiscoverClusterIssuerAsync(Action discovered, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && clusterTokens.ClusterIssuer is null)
        {
            try
            {
                await clusterTokens.InitializeAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogIssuerDiscoveryFailed(e.GetType().Name);
            }

            if (clusterTokens.IssuerConflict is { } conflict)
            {
                // A configuration error, not an outage: retrying cannot fix it, so the host stops with the message.
                throw new InvalidOperationException(conflict);
            }

            if (clusterTokens.ClusterIssuer is not null)
            {
                LogClusterIssuer(clusterTokens.ClusterIssuer);
                discovered();
                return;
            }

            await Task.Delay(IssuerRetry, time, ct);
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Kubernetes informers synced: {Apps} GitHubApps, {Policies} TrustPolicies")]
    private partial void LogSynced(int apps, int policies);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "This replica ({Identity}) is now the leader and writes status")]
    private partial void LogLeading(string identity);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Cluster service-account issuer: {Issuer}")]
    private partial void LogClusterIssuer(string issuer);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "GitHubApps or the cluster issuer not settled after {Seconds} s; reconciling TrustPolicies anyway")]
    private partial void LogPrerequisitesSlow(double seconds);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Could not discover the cluster's service-account issuer ({Error}); retrying")]
    private partial void LogIssuerDiscoveryFailed(string error);
}
