using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Telemetry;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>
/// The GitHubToken feature (<c>kubernetes.githubTokens.enabled</c>): an informer over GitHubTokens, their controller,
/// and what re-reconciles them — their own changes, their App's and their namespace's (tenancy), and leadership.
/// </summary>
public sealed class GitHubTokenController
{
    private readonly Informer<GitHubToken> _tokens;
    private readonly Controller<ObjectKey> _controller;

    public GitHubTokenController(
        KubernetesApiClient client,
        GithubTokenSettings settings,
        Informer<GitHubApp> apps,
        Informer<Namespace> namespaces,
        ClusterAppRegistry registry,
        GitHubApiClient github,
        StatusWriter status,
        AuditTrail? auditTrail,
        GithubStsMetrics metrics,
        OperatorContext context,
        LeaderElector elector,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(apps);
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(elector);
        ArgumentNullException.ThrowIfNull(loggers);
        _tokens = new Informer<GitHubToken>(client, GithubStsResourceTypes.GitHubTokens, null, loggers.CreateLogger("GithubSts.Operator.Informer.githubtokens"), time);
        var reconciler = new GitHubTokenReconciler(
            _tokens, apps, namespaces, registry, github, new TokenSecrets(client), new GitHubTokenResources(client, status),
            new MintBudget(settings.MintsPerMinute, time), new GitHubTokenAudit(auditTrail, time), new GitHubTokenMetrics(metrics, _tokens),
            context, time, loggers.CreateLogger<GitHubTokenReconciler>());

        // Mostly waiting on GitHub and the API server; the mint budget, not the workers, bounds the rate.
        _controller = new Controller<ObjectKey>(
            "githubtoken", reconciler, loggers.CreateLogger("GithubSts.Operator.Controllers.GitHubToken"), time, new ControllerOptions { Workers = 4 });

        _tokens.AddHandler(InformerHandler.ForAll<GitHubToken>(t => _controller.Enqueue(ObjectKey.For(t))));
        apps.AddHandler(InformerHandler.ForAll<GitHubApp>(app => EnqueueWhere(t => string.Equals(t.Spec.App, app.Metadata.Name, StringComparison.Ordinal))));
        namespaces.AddHandler(InformerHandler.ForAll<Namespace>(ns => EnqueueWhere(t => string.Equals(t.Metadata.Namespace, ns.Metadata.Name, StringComparison.Ordinal))));

        // Only the leader mints: a new one looks at every resource and renews only what its status says is due.
        elector.StartedLeading += () => EnqueueWhere(_ => true);
    }

    public bool HasSynced => _tokens.HasSynced;

    public Task RunInformerAsync(CancellationToken ct) => _tokens.RunAsync(ct);

    public Task WaitForSyncAsync(CancellationToken ct) => _tokens.WaitForSyncAsync(ct);

    public Task RunControllerAsync(CancellationToken ct) => _controller.RunAsync(ct);

    private void EnqueueWhere(Func<GitHubToken, bool> predicate)
    {
        foreach (var token in _tokens.List().Where(predicate))
        {
            _controller.Enqueue(ObjectKey.For(token));
        }
    }
}
