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
    public void The_oldest_of_competing_policies_wins_and_the_next_takes_over_when_it_goes()
    {
        var index = new PolicyIndex();
        var changed = new List<PolicyIndexKey>();
        index.KeyChanged += (key, _) => changed.Add(key);
        index.Upsert(Compile(Policy("team-b", "deploy", created: T0.AddMinutes(5))));
        index.Upsert(Compile(Policy("team-a", "deploy", created: T0)));

        var key = new PolicyIndexKey("default", "octo-org/app", "deploy");
        Assert.Equal("team-a", index.Winner(key)!.Namespace);
        Assert.Equal(2, index.Candidates(key).Count);

        index.Remove("team-a", "deploy");
        Assert.Equal("team-b", index.Winner(key)!.Namespace);
        Assert.All(changed, k => Assert.Equal(key, k));
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
    public void Namespaces_must_be_allowed_by_the_app(string? allowedName, string ns, bool allowed)
    {
        var allowedNamespaces = allowedName is null ? null : new AllowedNamespaces { Names = [allowedName] };
        Assert.Equal(allowed, TrustPolicyAdmission.NamespaceAllowed(allowedNamespaces, ns, null, "github-sts"));
    }

    [Fact]
    public void Label_selectors_follow_kubernetes_semantics()
    {
        var selector = new LabelSelector
        {
            MatchLabels = new() { ["tenant"] = "yes" },
            MatchExpressions = [new() { Key = "env", Operator = "In", Values = ["prod", "staging"] }, new() { Key = "blocked", Operator = "DoesNotExist" }],
        };
        Assert.True(TrustPolicyAdmission.Matches(selector, new Dictionary<string, string> { ["tenant"] = "yes", ["env"] = "prod" }));
        Assert.False(TrustPolicyAdmission.Matches(selector, new Dictionary<string, string> { ["tenant"] = "yes", ["env"] = "dev" }));
        Assert.False(TrustPolicyAdmission.Matches(selector, new Dictionary<string, string> { ["tenant"] = "yes", ["env"] = "prod", ["blocked"] = "" }));
        Assert.True(TrustPolicyAdmission.Matches(new LabelSelector(), new Dictionary<string, string>()));
    }

    [Fact]
    public void Permissions_above_the_app_ceiling_are_refused()
    {
        var compiled = Compile(Policy("github-sts", "deploy", permissions: new() { ["contents"] = "write" })).Compiled;
        var app = new GitHubApp { Metadata = new ObjectMeta { Name = "default" }, Spec = new GitHubAppSpec { MaxPermissions = new() { ["contents"] = "read" } } };
        Assert.Equal(ConditionReasons.PermissionsExceedApp, TrustPolicyAdmission.Check(compiled, "github-sts", app, null, "github-sts")!.Value.Reason);
        app.Spec.MaxPermissions["contents"] = "admin";
        Assert.Null(TrustPolicyAdmission.Check(compiled, "github-sts", app, null, "github-sts"));
        app.Spec.MaxPermissions = new() { ["issues"] = "write" };
        Assert.NotNull(TrustPolicyAdmission.Check(compiled, "github-sts", app, null, "github-sts"));
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
