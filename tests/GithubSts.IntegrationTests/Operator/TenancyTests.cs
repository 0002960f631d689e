using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Testing.Kubernetes;
using k8s;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Issue 9, item 4: a namespace can only speak for what its GitHubApp granted it. Tenants attack each other the way a
/// tenant with TrustPolicy create rights can: against the real kube-apiserver, with real service-account tokens
/// exchanged over HTTP, asserting conditions, Events and what the GitHub simulator minted.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class TenancyTests(OperatorEnvironment env, ITestOutputHelper output) : IClassFixture<OperatorEnvironment>
{
    private const string Repo = "octo-org/octo-repo";
    private const string Other = "octo-org/other-repo";

    public static TheoryData<string, string> SquatVariants => new()
    {
        // (how the squatter is placed, the scope it claims)
        { "ungranted", Repo },
        { "granted-another-repo", Repo },
        { "granted-another-repo", "OCTO-ORG/Octo-Repo" },
        { "granted-a-repo-claims-the-org", "octo-org" },
        { "granted-owner-star-claims-the-org", "octo-org" },
        { "legacy-allowed-namespaces", Repo },
        { "selected-for-another-repo", Repo },
    };

    [KubernetesTheory]
    [MemberData(nameof(SquatVariants))]
    public async Task A_tenant_cannot_pre_create_a_policy_for_a_scope_it_was_not_granted(string placement, string squattedScope)
    {
        var (victim, squatter, app) = Names($"sq-{placement}");
        await env.ApplyAsync(TenancyResources.Namespace(victim), TenancyResources.Namespace(squatter, new() { ["squad"] = squatter }));
        var builder = new GitHubAppBuilder(app, env).Grant([victim], Repo);
        builder = placement switch
        {
            "ungranted" => builder,
            "granted-another-repo" => builder.Grant([squatter], Other),
            "granted-a-repo-claims-the-org" => builder.Grant([squatter], Other),
            "granted-owner-star-claims-the-org" => builder.Grant([squatter], "octo-org/*"),
            "legacy-allowed-namespaces" => builder.LegacyAllowedNamespaces(victim, squatter),
            "selected-for-another-repo" => builder.GrantSelected(new LabelSelector { MatchLabels = new() { ["squad"] = squatter } }, Other),
            _ => throw new ArgumentOutOfRangeException(nameof(placement)),
        };
        await env.ApplyAsync(builder.Build());
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, app, ConditionTypes.Ready, ConditionStatus.True);

        // The squatter is first, asks for more than the victim will, and uses the victim's identity.
        await env.Cluster.EnsureServiceAccountAsync(squatter, "ci");
        await env.ApplyAsync(new TrustPolicyBuilder(squatter, "squat").App(app).Scope(squattedScope).Identity("deploy").ServiceAccount("ci")
            .Permissions(("contents", "write"), ("issues", "write")).Build());
        var refused = await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, squatter, "squat", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.NotGranted);
        output.WriteLine(Ready(refused).Message);

        await env.Cluster.EnsureServiceAccountAsync(victim, "ci");
        await env.ApplyAsync(new TrustPolicyBuilder(victim, "deploy").App(app).Scope(Repo).ServiceAccount("ci").Build());
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, victim, "deploy", ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.Indexed);

        // The victim's exchange mints exactly its own grant.
        var before = env.GitHub.Mints.Count;
        using (var own = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(victim, "ci", OperatorEnvironment.Audience), $"{Repo}&app={app}", "deploy"))
        {
            Assert.Equal(200, (int)own.StatusCode);
        }

        var mint = Assert.Single(env.GitHub.Mints.Skip(before));
        Assert.Equal(["octo-repo"], mint.RequestedRepositories);
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read" }, mint.RequestedPermissions);

        // The squatter gets nothing, whichever scope spelling it asks for.
        foreach (var scope in new[] { squattedScope, Repo, squattedScope.ToUpperInvariant() })
        {
            using var squat = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(squatter, "ci", OperatorEnvironment.Audience), $"{scope}&app={app}", "deploy");
            Assert.Equal(403, (int)squat.StatusCode);
        }

        Assert.Single(env.GitHub.Mints.Skip(before));
        await AssertNothingNamesAsync(squatter, victim);
    }

    public static TheoryData<string, bool> ConflictVariants => new()
    {
        { "names", true },
        { "names", false },
        { "selector", true },
        { "owner-star", false },
    };

    [KubernetesTheory]
    [MemberData(nameof(ConflictVariants))]
    public async Task When_two_granted_namespaces_claim_one_key_neither_serves_and_neither_is_named(string grant, bool firstIsOlder)
    {
        var (first, second, app) = Names($"cf-{grant}-{(firstIsOlder ? "o" : "y")}");
        await env.ApplyAsync(TenancyResources.Namespace(first, new() { ["tier"] = "shared" }), TenancyResources.Namespace(second, new() { ["tier"] = "shared" }));
        var builder = new GitHubAppBuilder(app, env);
        builder = grant switch
        {
            "names" => builder.Grant([first, second], Repo),
            "selector" => builder.GrantSelected(new LabelSelector { MatchLabels = new() { ["tier"] = "shared" } }, Repo),
            "owner-star" => builder.Grant([first], Repo).Grant([second], "octo-org/*"),
            _ => throw new ArgumentOutOfRangeException(nameof(grant)),
        };
        await env.ApplyAsync(builder.Build());
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, app, ConditionTypes.Ready, ConditionStatus.True);
        await env.Cluster.EnsureServiceAccountAsync(first, "ci");
        await env.Cluster.EnsureServiceAccountAsync(second, "ci");
        Task<string> FirstToken() => env.Cluster.CreateTokenAsync(first, "ci", OperatorEnvironment.Audience);
        Task<string> SecondToken() => env.Cluster.CreateTokenAsync(second, "ci", OperatorEnvironment.Audience);
        var scope = $"{Repo}&app={app}";

        var older = firstIsOlder ? first : second;
        var younger = firstIsOlder ? second : first;
        await env.Cluster.EnsureServiceAccountAsync(older, "ci");
        await env.ApplyAsync(new TrustPolicyBuilder(older, $"{older}-deploy").App(app).Identity("deploy").ServiceAccount("ci").Build());
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, older, $"{older}-deploy", ConditionTypes.Ready, ConditionStatus.True);
        using (var alone = await env.ExchangeAsync(await (firstIsOlder ? FirstToken() : SecondToken()), scope, "deploy"))
        {
            Assert.Equal(200, (int)alone.StatusCode);
        }

        await env.ApplyAsync(new TrustPolicyBuilder(younger, $"{younger}-deploy").App(app).Identity("deploy").ServiceAccount("ci")
            .Permissions(("contents", "write")).Build());
        foreach (var ns in new[] { older, younger })
        {
            var contested = await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, ns, $"{ns}-deploy", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.Conflict);
            output.WriteLine($"{ns}: {Ready(contested).Message}");
        }

        var before = env.GitHub.Mints.Count;
        using (var fromFirst = await env.ExchangeAsync(await FirstToken(), scope, "deploy"))
        using (var fromSecond = await env.ExchangeAsync(await SecondToken(), scope, "deploy"))
        {
            Assert.Equal(403, (int)fromFirst.StatusCode);
            Assert.Equal(403, (int)fromSecond.StatusCode);
        }

        Assert.Equal(before, env.GitHub.Mints.Count);
        await AssertNothingNamesAsync(first, second);
        await AssertNothingNamesAsync(second, first);

        // The younger one withdraws: the older one serves again, with its own permissions.
        await env.Cluster.KubectlAsync("-n", younger, "delete", "trustpolicy", $"{younger}-deploy");
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, older, $"{older}-deploy", ConditionTypes.Ready, ConditionStatus.True);
        using var again = await env.EventuallyAsync(firstIsOlder ? FirstToken : SecondToken, scope, "deploy", 200);
        Assert.Equal(200, (int)again.StatusCode);
        Assert.Equal("read", env.GitHub.Mints[^1].RequestedPermissions!["contents"]);
    }

    [KubernetesFact]
    public async Task Within_one_namespace_the_older_policy_serves_and_the_younger_is_told_by_name()
    {
        var (ns, _, app) = Names("same-ns");
        await env.ApplyAsync(TenancyResources.Namespace(ns));
        await env.ApplyAsync(new GitHubAppBuilder(app, env).Grant([ns], Repo).Build());
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, app, ConditionTypes.Ready, ConditionStatus.True);
        await env.Cluster.EnsureServiceAccountAsync(ns, "ci");
        await env.ApplyAsync(new TrustPolicyBuilder(ns, "first").App(app).Identity("deploy").ServiceAccount("ci").Build());
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, ns, "first", ConditionTypes.Ready, ConditionStatus.True);
        await Task.Delay(1100); // creationTimestamp has whole seconds
        await env.ApplyAsync(new TrustPolicyBuilder(ns, "second").App(app).Identity("deploy").ServiceAccount("ci").Permissions(("contents", "write")).Build());
        var second = await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, ns, "second", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.Conflict);
        Assert.Contains("first", Ready(second).Message, StringComparison.Ordinal);

        using var response = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(ns, "ci", OperatorEnvironment.Audience), $"{Repo}&app={app}", "deploy");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("read", env.GitHub.Mints[^1].RequestedPermissions!["contents"]);
    }

    public static TheoryData<string, bool, bool> PrecedenceVariants => new()
    {
        // (scope, the repository file exists for the key, the grant overrides repository policies)
        { Repo, true, false },
        { Repo, true, true },
        { Repo, false, false },
        { "octo-org", true, false },
        { "octo-org", true, true },
    };

    [KubernetesTheory]
    [MemberData(nameof(PrecedenceVariants))]
    public async Task The_repository_owners_own_file_wins_over_a_tenant_policy_unless_the_grant_overrides(string scope, bool fileExists, bool overrides)
    {
        var (tenant, owner, app) = Names($"pr-{(scope.Contains('/', StringComparison.Ordinal) ? "r" : "o")}-{(fileExists ? "f" : "n")}-{(overrides ? "x" : "d")}");
        await env.ApplyAsync(TenancyResources.Namespace(tenant), TenancyResources.Namespace(owner));
        await env.Cluster.EnsureServiceAccountAsync(tenant, "ci");
        await env.Cluster.EnsureServiceAccountAsync(owner, "ci");
        var identity = $"id-{app}";
        var (fileRepo, filePermission) = scope == Repo ? ("octo-repo", "issues") : (".github", "issues");
        if (fileExists)
        {
            // The owner's file speaks for the key and trusts only the owner's service account.
            env.GitHub.SetFile(OperatorEnvironment.Org, fileRepo, $".github/sts/{app}/{identity}.sts.yaml", $$"""
                issuer: {{env.Cluster.ServiceAccountIssuer}}
                subject: system:serviceaccount:{{owner}}:ci
                permissions:
                  {{filePermission}}: write
                {{(scope == Repo ? string.Empty : "repositories: [octo-repo]")}}
                """);
        }

        await env.ApplyAsync(new GitHubAppBuilder(app, env)
            .Grant(new TenantGrant { Namespaces = [tenant], Repositories = [scope], OverrideRepositoryPolicies = overrides ? true : null })
            .RepositoryPolicies().Build());
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, app, ConditionTypes.Ready, ConditionStatus.True);
        await env.ApplyAsync(new TrustPolicyBuilder(tenant, "deploy").App(app).Scope(scope).Identity(identity).ServiceAccount("ci")
            .Permissions(("contents", "write")).Build());
        var ready = await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, tenant, "deploy", ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.Indexed);
        output.WriteLine(Ready(ready).Message);

        // Reading the owner's file mints a contents:read token that is revoked at once: count only what was delivered.
        var before = env.IssuedMints().Count;
        using var fromTenant = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(tenant, "ci", OperatorEnvironment.Audience), $"{scope}&app={app}", identity);
        using var fromOwner = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(owner, "ci", OperatorEnvironment.Audience), $"{scope}&app={app}", identity);
        var mints = env.IssuedMints().Skip(before).ToList();
        var tenantServes = overrides || !fileExists;
        Assert.Equal(tenantServes ? 200 : 403, (int)fromTenant.StatusCode);
        Assert.Equal(fileExists && !overrides ? 200 : 403, (int)fromOwner.StatusCode);
        var mint = Assert.Single(mints);
        Assert.Equal(tenantServes ? ("contents", "write") : (filePermission, "write"), Single(mint.RequestedPermissions!));
    }

    public static TheoryData<string, string?, bool> SelectorVariants => new()
    {
        // (selector, the namespace's label value for "githubsts.io/blocked" or null for an unlabelled namespace, admitted)
        { "DoesNotExist", null, true },
        { "NotIn", null, true },
        { "Empty", null, true },
        { "DoesNotExist", "yes", false },
        { "NotIn", "yes", false },
        { "NotIn", "no", true },
        { "In", null, false },
        { "Exists", null, false },
    };

    [KubernetesTheory]
    [MemberData(nameof(SelectorVariants))]
    public async Task Namespace_selectors_follow_kubernetes_semantics_for_unlabelled_namespaces(string selectorKind, string? blocked, bool admitted)
    {
        var (ns, _, app) = Names($"sel-{selectorKind.ToLowerInvariant()}-{blocked ?? "none"}");
        const string Key = "githubsts.io/blocked";
        await env.ApplyAsync(TenancyResources.Namespace(ns, blocked is null ? null : new() { [Key] = blocked }));
        LabelSelector selector = selectorKind switch
        {
            "Empty" => new LabelSelector(),
            "In" or "NotIn" => new LabelSelector { MatchExpressions = [new() { Key = Key, Operator = selectorKind, Values = ["yes"] }] },
            _ => new LabelSelector { MatchExpressions = [new() { Key = Key, Operator = selectorKind }] },
        };
        await env.ApplyAsync(new GitHubAppBuilder(app, env).GrantSelected(selector, Repo).Build());
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, app, ConditionTypes.Ready, ConditionStatus.True);
        await env.Cluster.EnsureServiceAccountAsync(ns, "ci");
        await env.ApplyAsync(new TrustPolicyBuilder(ns, "deploy").App(app).ServiceAccount("ci").Build());
        await env.WaitForConditionAsync<TrustPolicy>(
            GithubStsResourceTypes.TrustPolicies, ns, "deploy", ConditionTypes.Ready, admitted ? ConditionStatus.True : ConditionStatus.False,
            admitted ? ConditionReasons.Indexed : ConditionReasons.NotGranted);

        var before = env.GitHub.Mints.Count;
        using var response = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(ns, "ci", OperatorEnvironment.Audience), $"{Repo}&app={app}", "deploy");
        Assert.Equal(admitted ? 200 : 403, (int)response.StatusCode);
        Assert.Equal(admitted ? 1 : 0, env.GitHub.Mints.Count - before);
    }

    [KubernetesFact]
    public async Task Revoking_a_grant_or_relabelling_the_namespace_stops_the_policy()
    {
        var (ns, _, app) = Names("revoke");
        await env.ApplyAsync(TenancyResources.Namespace(ns, new() { ["team"] = "a" }));
        await env.ApplyAsync(new GitHubAppBuilder(app, env).GrantSelected(new LabelSelector { MatchLabels = new() { ["team"] = "a" } }, Repo).Build());
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, app, ConditionTypes.Ready, ConditionStatus.True);
        await env.Cluster.EnsureServiceAccountAsync(ns, "ci");
        await env.ApplyAsync(new TrustPolicyBuilder(ns, "deploy").App(app).ServiceAccount("ci").Build());
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, ns, "deploy", ConditionTypes.Ready, ConditionStatus.True);
        Task<string> Token() => env.Cluster.CreateTokenAsync(ns, "ci", OperatorEnvironment.Audience);

        await env.ApplyAsync(TenancyResources.Namespace(ns, new() { ["team"] = "b" }));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, ns, "deploy", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.NotGranted);
        using (var relabelled = await env.ExchangeAsync(await Token(), $"{Repo}&app={app}", "deploy"))
        {
            Assert.Equal(403, (int)relabelled.StatusCode);
        }

        await env.ApplyAsync(new GitHubAppBuilder(app, env).Grant([ns], Other).Build());
        await env.ApplyAsync(TenancyResources.Namespace(ns, new() { ["team"] = "a" }));
        await Task.Delay(1000);
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, ns, "deploy", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.NotGranted);
        var before = env.GitHub.Mints.Count;
        using (var revoked = await env.ExchangeAsync(await Token(), $"{Repo}&app={app}", "deploy"))
        {
            Assert.Equal(403, (int)revoked.StatusCode);
        }

        Assert.Equal(before, env.GitHub.Mints.Count);
    }

    [KubernetesFact]
    public async Task Legacy_allowed_namespaces_is_flagged_and_a_malformed_grant_makes_the_app_unusable()
    {
        var (ns, _, app) = Names("legacy");
        await env.ApplyAsync(TenancyResources.Namespace(ns));
        await env.ApplyAsync(new GitHubAppBuilder(app, env).LegacyAllowedNamespaces(ns).Build());
        var flagged = await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, app, ConditionTypes.Deprecated, ConditionStatus.True, ConditionReasons.AllowedNamespacesIgnored);
        Assert.Equal(ConditionStatus.True, flagged.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Status);

        // The apiserver itself refuses wildcards the grant language does not have.
        foreach (var pattern in new[] { "*", "*/*", "octo-org/octo-*", "octo-org/.*" })
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => env.ApplyAsync(new GitHubAppBuilder($"{app}-bad", env).Grant([ns], pattern).Build()));
            output.WriteLine($"{pattern}: {error.Message.Split('\n')[0]}");
        }

        // A grant the schema cannot catch on this apiserver (no CEL): no namespaces at all. Nothing is half-applied.
        await env.ApplyAsync(new GitHubAppBuilder(app, env).Grant(new TenantGrant { Repositories = [Repo] }).Build());
        var invalid = await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, app, ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.InvalidSpec);
        Assert.DoesNotContain(invalid.Status!.Conditions!, c => c.Type == ConditionTypes.Deprecated);
    }

    private static int _cases;

    /// <summary>Fresh names per case (no controller-manager runs: namespaces never go away).</summary>
    private static (string First, string Second, string App) Names(string test)
    {
        var id = $"{test}-{Interlocked.Increment(ref _cases)}";
        id = id.Length > 40 ? id[^40..].TrimStart('-') : id;
        return ($"{id}-a", $"{id}-b", $"app-{id}");
    }

    private static (string, string) Single(IReadOnlyDictionary<string, string> permissions)
    {
        var only = Assert.Single(permissions);
        return (only.Key, only.Value);
    }

    private static Condition Ready(TrustPolicy policy) => policy.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);

    /// <summary>No status or Event in <paramref name="ns"/> names <paramref name="other"/> or its objects.</summary>
    private async Task AssertNothingNamesAsync(string ns, string other)
    {
        var policies = await env.Admin.ListAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, ns, null, CancellationToken.None);
        foreach (var condition in policies.Items.SelectMany(p => p.Status?.Conditions ?? []))
        {
            Assert.DoesNotContain(other, condition.Message ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }

        await Task.Delay(500); // Events are written after the status
        var events = await env.Admin.Library.EventsV1.ListNamespacedEventAsync(ns, cancellationToken: CancellationToken.None);
        foreach (var e in events.Items)
        {
            Assert.DoesNotContain(other, e.Note ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }
    }
}
