using System.Diagnostics;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Testing;
using GithubSts.Testing.Kubernetes;
using k8s;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// The operator against a real kube-apiserver: kubectl-applied GitHubApp and TrustPolicy resources become Ready, and
/// projected service-account tokens from the TokenRequest API exchange for GitHub tokens minted by the simulator.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class OperatorEndToEndTests(OperatorEnvironment env, ITestOutputHelper output) : IClassFixture<OperatorEnvironment>
{
    private const string Scope = "octo-org/octo-repo";
    private const string Ns = OperatorEnvironment.OperatorNamespace;

    [KubernetesFact]
    public async Task A_service_account_token_exchanges_through_a_ready_trust_policy()
    {
        await env.ApplyAppAsync();
        var app = await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "default", ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.Verified);
        Assert.Equal("github-sts-operator-test", app.Status!.AppSlug);

        await env.Cluster.EnsureServiceAccountAsync(Ns, "deployer");
        await env.ApplyAsync(Policy("deploy", Ns, "serviceAccount: deployer"));
        var policy = await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "deploy", ConditionTypes.Ready, ConditionStatus.True);
        Assert.Equal(ConditionReasons.Compiled, policy.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Accepted).Reason);
        Assert.Equal("deploy", policy.Status.Identity);

        var before = env.IssuedMints().Count;
        using var response = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(Ns, "deployer", OperatorEnvironment.Audience), Scope, "deploy");
        Assert.Equal(200, (int)response.StatusCode);
        var mint = Assert.Single(env.IssuedMints().Skip(before));
        Assert.Equal(["octo-repo"], mint.RequestedRepositories);
        Assert.Equal("read", mint.RequestedPermissions!["contents"]);

        // A new policy that is Ready at once records no Event (the condition says it; thousands applied at once would
        // double the API server writes). Transitions do: see the bad-pattern test.
        var events = await env.Admin.Library.EventsV1.ListNamespacedEventAsync(Ns, cancellationToken: CancellationToken.None);
        Assert.DoesNotContain(events.Items, e => e.Regarding?.Name == "deploy");

        // Events about the cluster-scoped GitHubApp live in kube-system, as Kubernetes requires.
        var appEvents = await env.Admin.Library.EventsV1.ListNamespacedEventAsync("kube-system", cancellationToken: CancellationToken.None);
        Assert.Contains(appEvents.Items, e => e.Regarding?.Name == "default" && e.Reason == ConditionReasons.Verified);

        var columns = await env.Cluster.KubectlAsync("get", "ghtp", "-n", Ns, "deploy");
        output.WriteLine(columns);
        Assert.Contains("True", columns, StringComparison.Ordinal);
        Assert.Contains(Scope, columns, StringComparison.Ordinal);
    }

    [KubernetesFact]
    public async Task Bad_patterns_and_disallowed_namespaces_are_reported_and_never_indexed()
    {
        await env.ApplyAppAsync();
        await env.ApplyAsync(Policy("bad-pattern", Ns, $"issuer: {env.Cluster.ServiceAccountIssuer}\n  subjectPattern: \"(a)\\\\1\""));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "bad-pattern", ConditionTypes.Accepted, ConditionStatus.False, ConditionReasons.InvalidPattern);

        // Fixing it makes it Ready; the leader recorded both transitions as events.k8s.io/v1 Events.
        await env.ApplyAsync(Policy("bad-pattern", Ns, $"issuer: {env.Cluster.ServiceAccountIssuer}\n  subjectPattern: \"system:serviceaccount:{Ns}:fixed-[0-9]+\""));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "bad-pattern", ConditionTypes.Ready, ConditionStatus.True);
        var events = (await env.Admin.Library.EventsV1.ListNamespacedEventAsync(Ns, cancellationToken: CancellationToken.None)).Items;
        Assert.Contains(events, e => e.Regarding?.Name == "bad-pattern" && e.Type == "Warning" && e.Reason == ConditionReasons.NotAccepted);
        Assert.Contains(events, e => e.Regarding?.Name == "bad-pattern" && e.Type == "Normal" && e.Reason == ConditionReasons.Indexed);

        await env.Cluster.EnsureNamespaceAsync("tenant-x");
        await env.Cluster.EnsureServiceAccountAsync("tenant-x", "deployer");
        await env.ApplyAsync(Policy("outsider", "tenant-x", "serviceAccount: deployer"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, "tenant-x", "outsider", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.NotGranted);

        var before = env.IssuedMints().Count;
        using var response = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync("tenant-x", "deployer", OperatorEnvironment.Audience), Scope, "outsider");
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal(before, env.IssuedMints().Count);
    }

    [KubernetesFact]
    public async Task Foreign_deleted_and_wrong_audience_tokens_are_refused_and_nothing_is_minted()
    {
        await env.ApplyAppAsync();
        await env.Cluster.EnsureServiceAccountAsync(Ns, "builder");
        await env.ApplyAsync(Policy("build", Ns, "serviceAccount: builder"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "build", ConditionTypes.Ready, ConditionStatus.True);

        // A service account of another namespace, even one with the same name, is a different subject.
        await env.Cluster.EnsureNamespaceAsync("tenant-y");
        await env.Cluster.EnsureServiceAccountAsync("tenant-y", "builder");
        var before = env.IssuedMints().Count;
        using (var foreign = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync("tenant-y", "builder", OperatorEnvironment.Audience), Scope, "build"))
        {
            Assert.Equal(403, (int)foreign.StatusCode);
        }

        // The API server's own audience is not ours.
        using (var wrongAudience = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(Ns, "builder", env.Cluster.ServiceAccountIssuer), Scope, "build"))
        {
            Assert.Equal(401, (int)wrongAudience.StatusCode);
        }

        // A token whose service account is gone stops working (TokenReview), even though its signature is still valid.
        await env.Cluster.EnsureServiceAccountAsync(Ns, "short-lived");
        await env.ApplyAsync(Policy("short", Ns, "serviceAccount: short-lived"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "short", ConditionTypes.Ready, ConditionStatus.True);
        var token = await env.Cluster.CreateTokenAsync(Ns, "short-lived", OperatorEnvironment.Audience);
        await env.Cluster.KubectlAsync("-n", Ns, "delete", "serviceaccount", "short-lived");
        using (var deleted = await env.ExchangeAsync(token, Scope, "short"))
        {
            Assert.Equal(401, (int)deleted.StatusCode);
        }

        Assert.Equal(before, env.IssuedMints().Count);
    }

    [KubernetesFact]
    public async Task Editing_or_deleting_a_trust_policy_changes_the_outcome_within_seconds()
    {
        await env.ApplyAppAsync();
        await env.Cluster.EnsureServiceAccountAsync(Ns, "editor");
        await env.ApplyAsync(Policy("edit-me", Ns, "serviceAccount: editor"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "edit-me", ConditionTypes.Ready, ConditionStatus.True);
        Task<string> Token() => env.Cluster.CreateTokenAsync(Ns, "editor", OperatorEnvironment.Audience);

        using (var first = await env.ExchangeAsync(await Token(), Scope, "edit-me"))
        {
            Assert.Equal(200, (int)first.StatusCode);
        }

        await env.ApplyAsync(Policy("edit-me", Ns, "serviceAccount: editor", permissions: "issues: write"));
        var stopwatch = Stopwatch.StartNew();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await env.ExchangeAsync(await Token(), Scope, "edit-me");
            if (env.IssuedMints()[^1].RequestedPermissions!.ContainsKey("issues"))
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(env.IssuedMints()[^1].RequestedPermissions!.ContainsKey("issues"), "the edit never took effect");
        output.WriteLine($"edit took effect after {stopwatch.ElapsedMilliseconds} ms");

        await env.Cluster.KubectlAsync("-n", Ns, "delete", "trustpolicy", "edit-me");
        stopwatch.Restart();
        using var denied = await env.EventuallyAsync(Token, Scope, "edit-me", 403);
        Assert.Equal(403, (int)denied.StatusCode);
        output.WriteLine($"delete took effect after {stopwatch.ElapsedMilliseconds} ms");
    }

    [KubernetesFact]
    public async Task Policies_survive_an_api_server_restart_and_new_ones_are_picked_up_after_it()
    {
        await env.ApplyAppAsync();
        await env.Cluster.EnsureServiceAccountAsync(Ns, "survivor");
        await env.ApplyAsync(Policy("survive", Ns, "serviceAccount: survivor"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "survive", ConditionTypes.Ready, ConditionStatus.True);
        var token = await env.Cluster.CreateTokenAsync(Ns, "survivor", OperatorEnvironment.Audience);

        await env.Cluster.StopApiServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await env.Cluster.StartApiServerAsync();

        using (var after = await env.EventuallyAsync(() => Task.FromResult(token), Scope, "survive", 200))
        {
            Assert.Equal(200, (int)after.StatusCode);
        }

        await env.ApplyAsync(Policy("after-restart", Ns, "serviceAccount: survivor"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "after-restart", ConditionTypes.Ready, ConditionStatus.True, timeout: TimeSpan.FromSeconds(60));
    }

    [KubernetesFact]
    public async Task GitHubApp_status_follows_its_secret_and_credentials_and_a_rotated_key_is_picked_up()
    {
        await env.ApplyAsync($$"""
            apiVersion: githubsts.io/v1alpha1
            kind: GitHubApp
            metadata:
              name: rotating
            spec:
              appId: {{OperatorEnvironment.AppId}}
              apiUrl: {{env.GitHub.ApiUrl}}
              privateKeySecretRef: {namespace: {{Ns}}, name: rotating-key}
            """);
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "rotating", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.SecretNotFound);

        await env.Cluster.KubectlAsync("-n", Ns, "create", "secret", "generic", "rotating-key", "--from-literal=private-key.pem=-----BEGIN RSA PRIVATE KEY-----\ngarbage\n-----END RSA PRIVATE KEY-----");
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "rotating", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.InvalidPrivateKey);

        // A well-formed key GitHub does not know.
        using var stranger = Testing.GitHub.TestAppKey.Create();
        await ReplaceSecretAsync(stranger.Pkcs8Pem);
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "rotating", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.GitHubAuthFailed);

        await ReplaceSecretAsync(env.AppKey.Pkcs8Pem);
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "rotating", ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.Verified);
    }

    private async Task ReplaceSecretAsync(string pem)
    {
        await env.ApplyAsync($"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: rotating-key
              namespace: {Ns}
            data:
              private-key.pem: {OperatorEnvironment.Utf8(pem)}
            """);
    }

    [KubernetesFact]
    public async Task A_cluster_token_can_only_use_trust_policies_of_its_own_namespace()
    {
        await env.ApplyAppAsync(extraSpec: "  tenants:\n    - namespaces: [tenant-z]\n      repositories: [octo-org/octo-repo]");
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "default", ConditionTypes.Ready, ConditionStatus.True);

        // The subject pattern would admit any namespace's "ci" account; tenancy must still confine it to github-sts.
        await env.ApplyAsync(Policy("wide", Ns, $"issuer: {env.Cluster.ServiceAccountIssuer}\n  subjectPattern: \"system:serviceaccount:[a-z0-9-]+:ci\""));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "wide", ConditionTypes.Ready, ConditionStatus.True);
        await env.Cluster.EnsureNamespaceAsync("tenant-z");
        await env.Cluster.EnsureServiceAccountAsync("tenant-z", "ci");
        await env.Cluster.EnsureServiceAccountAsync(Ns, "ci");

        var before = env.IssuedMints().Count;
        using (var foreign = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync("tenant-z", "ci", OperatorEnvironment.Audience), Scope, "wide"))
        {
            Assert.Equal(403, (int)foreign.StatusCode);
        }

        Assert.Equal(before, env.IssuedMints().Count);
        using var own = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(Ns, "ci", OperatorEnvironment.Audience), Scope, "wide");
        Assert.Equal(200, (int)own.StatusCode);
    }

    [KubernetesFact]
    public async Task Repository_policy_files_are_used_only_when_the_app_enables_them()
    {
        env.GitHub.SetFile(OperatorEnvironment.Org, "octo-repo", ".github/sts/repo-app/from-file.sts.yaml", $$"""
            issuer: {{env.Cluster.ServiceAccountIssuer}}
            subject: system:serviceaccount:{{Ns}}:filer
            permissions:
              issues: write
            """);
        await env.Cluster.EnsureServiceAccountAsync(Ns, "filer");
        Task<string> Token() => env.Cluster.CreateTokenAsync(Ns, "filer", OperatorEnvironment.Audience);

        await env.ApplyAppAsync("repo-app");
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "repo-app", ConditionTypes.Ready, ConditionStatus.True);
        using (var disabled = await env.ExchangeAsync(await Token(), Scope + "&app=repo-app", "from-file"))
        {
            Assert.Equal(403, (int)disabled.StatusCode);
        }

        await env.ApplyAppAsync("repo-app", "  repositoryPolicies:\n    enabled: true");
        using var enabled = await env.EventuallyAsync(Token, Scope + "&app=repo-app", "from-file", 200);
        Assert.Equal(200, (int)enabled.StatusCode);
        Assert.Equal("write", env.IssuedMints()[^1].RequestedPermissions!["issues"]);
    }

    [KubernetesFact]
    public async Task The_samples_are_accepted_by_the_api_server_and_the_operator()
    {
        await env.Cluster.EnsureNamespaceAsync("team-a");
        var samples = Path.Combine(RepositoryPaths.Root, "config", "samples");
        await env.Cluster.KubectlAsync("apply", "--validate=false", "-f", Path.Combine(samples, "githubapp.yaml"), "--dry-run=server");
        await env.Cluster.KubectlAsync("apply", "--validate=false", "-f", Path.Combine(samples, "trustpolicy.yaml"));
        foreach (var name in new[] { "deploy", "release" })
        {
            await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, "team-a", name, ConditionTypes.Accepted, ConditionStatus.True);
        }
    }

    internal static string Policy(string name, string ns, string who, string permissions = "contents: read", string scope = Scope, string app = "default") => $"""
        apiVersion: githubsts.io/v1alpha1
        kind: TrustPolicy
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          app: {app}
          scope: {scope}
          {who}
          permissions:
            {permissions}
        """;
}
