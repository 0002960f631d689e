using GithubSts.Exchange.Requests;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Tenancy;

namespace GithubSts.Operator.Tests.Tenancy;

/// <summary>What a GitHubApp's <c>tenants</c> let a namespace speak for: exactly the listed scopes, nothing by default.</summary>
public sealed class TenantGrantsTests
{
    private const string OperatorNamespace = "github-sts";
    private static readonly Dictionary<string, string> NoLabels = [];

    [Theory]
    [InlineData("acme/api", "acme/api", true)]
    [InlineData("acme/api", "ACME/Api", true)]
    [InlineData("acme/api", "acme/api2", false)]
    [InlineData("acme/api", "acme", false)]
    [InlineData("acme/*", "acme/anything", true)]
    [InlineData("acme/*", "acme", false)]
    [InlineData("acme/*", "acme-evil/api", false)]
    [InlineData("acme/*", "acm/api", false)]
    [InlineData("acme", "acme", true)]
    [InlineData("acme", "acme/api", false)]
    [InlineData("acme", "other", false)]
    public void Patterns_cover_exactly_what_they_name(string pattern, string scope, bool covered)
    {
        Assert.True(ScopeGrantPattern.TryParse(pattern, out var parsed));
        Assert.True(ExchangeTarget.TryParse(scope, out var target));
        Assert.Equal(covered, parsed.Covers(target));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*/*")]
    [InlineData("acme/a*")]
    [InlineData("acme/.*")]
    [InlineData("ac*/api")]
    [InlineData("acme/api/x")]
    [InlineData("acme/")]
    [InlineData("/api")]
    [InlineData("acme/..")]
    [InlineData("")]
    public void Anything_but_owner_owner_star_or_owner_repo_is_not_a_pattern(string pattern)
    {
        Assert.False(ScopeGrantPattern.TryParse(pattern, out _));
        Assert.NotNull(TenantGrants.Problem([new TenantGrant { Namespaces = ["team-a"], Repositories = [pattern] }]));
    }

    [Fact]
    public void No_grant_means_only_the_operator_namespace_may_define_policies()
    {
        Assert.True(Evaluate(null, OperatorNamespace, NoLabels, "acme/api").Granted);
        Assert.False(Evaluate(null, "team-a", NoLabels, "acme/api").Granted);
        Assert.False(Evaluate([], "team-a", NoLabels, "acme").Granted);
    }

    [Fact]
    public void A_namespace_speaks_only_for_the_repositories_of_its_own_grant()
    {
        List<TenantGrant> grants =
        [
            new() { Namespaces = ["team-a"], Repositories = ["acme/api"] },
            new() { Namespaces = ["team-b"], Repositories = ["acme/web", "beta/*"] },
        ];
        Assert.True(Evaluate(grants, "team-a", NoLabels, "acme/api").Granted);
        Assert.False(Evaluate(grants, "team-a", NoLabels, "acme/web").Granted);
        Assert.False(Evaluate(grants, "team-b", NoLabels, "acme/api").Granted);
        Assert.True(Evaluate(grants, "team-b", NoLabels, "beta/x").Granted);
        Assert.False(Evaluate(grants, "team-b", NoLabels, "beta").Granted);
        Assert.False(Evaluate(grants, "team-c", NoLabels, "acme/api").Granted);
        Assert.False(Evaluate(grants, "team-a2", NoLabels, "acme/api").Granted);
    }

    [Fact]
    public void A_selector_grant_follows_kubernetes_semantics_and_an_unknown_namespace_matches_no_selector()
    {
        List<TenantGrant> grants =
        [
            new()
            {
                NamespaceSelector = new() { MatchExpressions = [new() { Key = "githubsts.io/blocked", Operator = LabelSelectors.DoesNotExist }] },
                Repositories = ["acme/api"],
            },
        ];
        Assert.True(Evaluate(grants, "plain", NoLabels, "acme/api").Granted);
        Assert.False(Evaluate(grants, "blocked", new() { ["githubsts.io/blocked"] = "true" }, "acme/api").Granted);
        Assert.False(Evaluate(grants, "not-yet-seen", null, "acme/api").Granted);
        Assert.True(Evaluate([new() { NamespaceSelector = new(), Repositories = ["acme/api"] }], "plain", NoLabels, "acme/api").Granted);
    }

    [Fact]
    public void Override_is_off_unless_a_matching_grant_covering_the_scope_says_so()
    {
        List<TenantGrant> grants =
        [
            new() { Namespaces = ["team-a"], Repositories = ["acme/api"] },
            new() { Namespaces = ["team-a"], Repositories = ["acme/web"], OverrideRepositoryPolicies = true },
        ];
        Assert.False(Evaluate(grants, "team-a", NoLabels, "acme/api").OverridesRepositoryPolicies);
        Assert.True(Evaluate(grants, "team-a", NoLabels, "acme/web").OverridesRepositoryPolicies);
        Assert.False(Evaluate(grants, "team-b", NoLabels, "acme/web").OverridesRepositoryPolicies);
        Assert.False(Evaluate(null, OperatorNamespace, NoLabels, "acme/web").OverridesRepositoryPolicies);
    }

    [Fact]
    public void Malformed_grants_are_problems()
    {
        Assert.Null(TenantGrants.Problem(null));
        Assert.Null(TenantGrants.Problem([new TenantGrant { Namespaces = ["team-a"], Repositories = ["acme/api", "acme/*", "acme"] }]));
        Assert.NotNull(TenantGrants.Problem([new TenantGrant { Repositories = ["acme/api"] }]));
        Assert.NotNull(TenantGrants.Problem([new TenantGrant { Namespaces = ["team-a"] }]));
        Assert.NotNull(TenantGrants.Problem([new TenantGrant { Namespaces = ["team-a"], Repositories = [] }]));
        Assert.NotNull(TenantGrants.Problem([new TenantGrant { Namespaces = ["Team_A"], Repositories = ["acme/api"] }]));
        Assert.NotNull(TenantGrants.Problem([new TenantGrant
        {
            NamespaceSelector = new() { MatchExpressions = [new() { Key = "k", Operator = "Bogus" }] },
            Repositories = ["acme/api"],
        }]));
    }

    private static GrantDecision Evaluate(List<TenantGrant>? grants, string ns, Dictionary<string, string>? labels, string scope)
    {
        Assert.True(ExchangeTarget.TryParse(scope, out var target));
        return TenantGrants.Evaluate(grants, ns, labels, target, OperatorNamespace);
    }
}
