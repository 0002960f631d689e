using System.Security.Cryptography;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Requests;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.IntegrationTests.Operator;

public class PolicyIndexTests
{
    private const string ClusterIssuer = "https://kubernetes.default.svc.cluster.local";
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Lookups_find_the_policy_by_app_scope_and_identity_and_removal_is_immediate()
    {
        var index = new PolicyIndex();
        index.Upsert(Compile(Policy("team-a", "deploy", scope: "Octo-Org/App")));

        var found = await index.FindAsync(Lookup("default", "octo-org/app", "deploy"), default);
        Assert.Equal("trustpolicy:team-a/deploy", found!.Origin);
        Assert.Null(await index.FindAsync(Lookup("default", "octo-org/app", "Deploy"), default));
        Assert.Null(await index.FindAsync(Lookup("other", "octo-org/app", "deploy"), default));

        index.Remove("team-a", "deploy");
        Assert.Null(await index.FindAsync(Lookup("default", "octo-org/app", "deploy"), default));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Within_one_namespace_the_oldest_policy_wins_and_the_next_takes_over_when_it_goes()
    {
        var index = new PolicyIndex();
        var changed = new List<PolicyIndexKey>();
        index.KeyChanged += (key, _) => changed.Add(key);
        index.Upsert(Compile(Policy("team-a", "deploy-new", identity: "deploy", created: T0.AddMinutes(5))));
        index.Upsert(Compile(Policy("team-a", "deploy-old", identity: "deploy", created: T0)));

        var key = new PolicyIndexKey("default", "octo-org/app", "deploy");
        Assert.Equal("deploy-old", index.Winner(key)!.Name);
        Assert.Equal(KeyStanding.Serves, index.StandingOf(key, "team-a", "deploy-old"));
        Assert.Equal(KeyStanding.OlderInSameNamespace, index.StandingOf(key, "team-a", "deploy-new"));
        Assert.Equal(2, index.Candidates(key).Count);

        index.Remove("team-a", "deploy-old");
        Assert.Equal("deploy-new", index.Winner(key)!.Name);
        Assert.All(changed, k => Assert.Equal(key, k));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(5, 0)]
    [InlineData(0, 0)]
    public void When_two_namespaces_claim_a_key_neither_serves_whichever_came_first(int minutesA, int minutesB)
    {
        var index = new PolicyIndex();
        index.Upsert(Compile(Policy("team-a", "deploy", created: T0.AddMinutes(minutesA))));
        var key = new PolicyIndexKey("default", "octo-org/app", "deploy");
        Assert.Equal("team-a", index.Winner(key)!.Namespace);

        index.Upsert(Compile(Policy("team-b", "deploy", created: T0.AddMinutes(minutesB))));
        Assert.Null(index.Winner(key));
        Assert.Equal(KeyStanding.ContestedAcrossNamespaces, index.StandingOf(key, "team-a", "deploy"));
        Assert.Equal(KeyStanding.ContestedAcrossNamespaces, index.StandingOf(key, "team-b", "deploy"));

        // A second policy of the first namespace changes nothing: the key is still claimed by two namespaces.
        index.Upsert(Compile(Policy("team-a", "deploy-2", identity: "deploy", created: T0.AddMinutes(-10))));
        Assert.Null(index.Winner(key));

        index.Remove("team-b", "deploy");
        Assert.Equal("deploy-2", index.Winner(key)!.Name);
        Assert.Equal(KeyStanding.OlderInSameNamespace, index.StandingOf(key, "team-a", "deploy"));
        Assert.Equal(KeyStanding.Absent, index.StandingOf(key, "team-b", "deploy"));
    }

    [Fact]
    public void A_changed_override_flag_replaces_the_entry_even_at_the_same_generation()
    {
        var index = new PolicyIndex();
        var policy = Compile(Policy("team-a", "deploy"));
        index.Upsert(policy);
        var key = new PolicyIndexKey("default", "octo-org/app", "deploy");
        Assert.True(index.Winner(key)!.YieldsToLaterSources);

        index.Upsert(policy with { OverridesRepositoryPolicies = true });
        Assert.False(index.Winner(key)!.YieldsToLaterSources);
    }

    [Fact]
    public void Changing_a_policy_identity_moves_it_to_the_new_key()
    {
        var index = new PolicyIndex();
        index.Upsert(Compile(Policy("team-a", "deploy")));
        index.Upsert(Compile(Policy("team-a", "deploy", identity: "release")));

        Assert.Null(index.Winner(new PolicyIndexKey("default", "octo-org/app", "deploy")));
        Assert.NotNull(index.Winner(new PolicyIndexKey("default", "octo-org/app", "release")));
        Assert.Equal(1, index.Count);
    }

    [Theory]
    [InlineData("(a)\\1", ConditionReasons.InvalidPattern)]
    [InlineData(".*", ConditionReasons.InvalidPattern)]
    public void Bad_patterns_are_not_accepted(string subjectPattern, string reason)
    {
        var policy = Policy("team-a", "deploy");
        policy.Spec.ServiceAccount = null;
        policy.Spec.Issuer = ClusterIssuer;
        policy.Spec.SubjectPattern = subjectPattern;
        var outcome = TrustPolicyCompilation.Compile(policy, ClusterIssuer);
        Assert.False(outcome.Accepted);
        Assert.Equal(reason, outcome.Reason);
        Assert.Contains("subjectPattern", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_permissions_are_not_accepted()
    {
        var policy = Policy("team-a", "deploy");
        policy.Spec.Permissions = new() { ["pull-requests"] = "write" };
        var outcome = TrustPolicyCompilation.Compile(policy, ClusterIssuer);
        Assert.Equal(ConditionReasons.UnknownPermission, outcome.Reason);
    }

    [Fact]
    public void Service_account_shorthand_needs_the_cluster_issuer_and_pins_the_namespace()
    {
        Assert.Equal(ConditionReasons.IssuerUnknown, TrustPolicyCompilation.Compile(Policy("team-a", "deploy"), null).Reason);
        Assert.True(TrustPolicyCompilation.Compile(Policy("team-a", "deploy"), ClusterIssuer).Accepted);
    }

    [Theory]
    [InlineData(null, "github-sts", true)]
    [InlineData(null, "team-a", false)]
    [InlineData("team-a", "team-a", true)]
    [InlineData("team-a", "team-b", false)]
    public void Namespaces_must_be_granted_the_scope_by_the_app(string? grantedName, string ns, bool granted)
    {
        var app = new GitHubApp { Metadata = new ObjectMeta { Name = "default" } };
        app.Spec.Tenants = grantedName is null ? null : [new TenantGrant { Namespaces = [grantedName], Repositories = ["octo-org/app"] }];
        var outcome = Check(Compile(Policy(ns, "deploy")), ns, app);
        Assert.Equal(granted, outcome.Admitted);
        if (!granted)
        {
            Assert.Equal(ConditionReasons.NotGranted, outcome.Refused!.Reason);
        }
    }

    [Fact]
    public void Allowed_namespaces_alone_grants_nothing_and_says_why()
    {
        var app = new GitHubApp { Metadata = new ObjectMeta { Name = "default" } };
        app.Spec.AllowedNamespaces = new AllowedNamespaces { Names = ["team-a"], Selector = new LabelSelector() };
        var outcome = Check(Compile(Policy("team-a", "deploy")), "team-a", app);
        Assert.Equal(ConditionReasons.NotGranted, outcome.Refused!.Reason);
        Assert.Contains("tenants", outcome.Refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Permissions_above_the_app_ceiling_are_refused()
    {
        var compiled = Compile(Policy("github-sts", "deploy", permissions: new() { ["contents"] = "write" }));
        var app = new GitHubApp { Metadata = new ObjectMeta { Name = "default" }, Spec = new GitHubAppSpec { MaxPermissions = new() { ["contents"] = "read" } } };
        Assert.Equal(ConditionReasons.PermissionsExceedApp, Check(compiled, "github-sts", app).Refused!.Reason);
        app.Spec.MaxPermissions["contents"] = "admin";
        Assert.True(Check(compiled, "github-sts", app).Admitted);
        app.Spec.MaxPermissions = new() { ["issues"] = "write" };
        Assert.False(Check(compiled, "github-sts", app).Admitted);
    }

    private static TrustPolicyAdmission.Outcome Check(IndexedPolicy policy, string ns, GitHubApp app)
    {
        Assert.True(ExchangeTarget.TryParse(policy.Key.Scope, out var scope));
        return TrustPolicyAdmission.Check(policy.Compiled, ns, scope, app, new Dictionary<string, string>(), "github-sts");
    }

    [Fact]
    public void Cluster_registry_serves_configured_and_cluster_apps_with_configured_precedence()
    {
        using var key = RSA.Create(2048);
        var registry = new ClusterAppRegistry([App("default", 1, key)]);
        registry.SetClusterApp(App("team", 2, key));
        registry.SetClusterApp(App("default", 3, key));

        Assert.Equal(1, registry.Select("default").App!.Credentials.AppId);
        Assert.Equal(2, registry.Select("team").App!.Credentials.AppId);
        Assert.Equal(1, registry.Select(null).App!.Credentials.AppId);
        registry.RemoveClusterApp("team");
        Assert.Equal(AppSelectionResult.Unknown, registry.Select("team").Result);
    }

    private static IndexedPolicy Compile(TrustPolicy policy) => TrustPolicyCompilation.Compile(policy, ClusterIssuer).Policy!;

    private static TrustPolicy Policy(
        string ns, string name, string scope = "octo-org/app", string? identity = null, DateTimeOffset? created = null,
        Dictionary<string, string>? permissions = null) => new()
        {
            Metadata = new ObjectMeta { Namespace = ns, Name = name, CreationTimestamp = created ?? T0 },
            Spec = new TrustPolicySpec
            {
                App = "default",
                Scope = scope,
                Identity = identity,
                ServiceAccount = "deployer",
                Permissions = permissions ?? new() { ["contents"] = "read" },
            },
        };

    private static PolicyLookup Lookup(string app, string scope, string identity)
    {
        using var key = RSA.Create(2048);
        Assert.True(ExchangeTarget.TryParse(scope, out var target));
        return new PolicyLookup(App(app, 1, key), target, identity);
    }

    private static GitHubAppRuntime App(string name, long id, RSA key)
    {
        Assert.True(PolicyPathTemplate.TryCreate(PolicyPathTemplate.PyGithubStsLayout, out var path, out _));
        return new GitHubAppRuntime
        {
            Credentials = new GitHubAppCredentials(name, id, key, new Uri("https://api.github.com/")),
            PolicyPath = path,
            OrgPolicyRepository = ".github",
        };
    }
}
