using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Tenancy;

namespace GithubSts.Operator.Tests.Tenancy;

/// <summary>Label selectors as Kubernetes evaluates them, every operator, against labelled and unlabelled namespaces.</summary>
public sealed class LabelSelectorsTests
{
    private static readonly Dictionary<string, string> NoLabels = [];
    private static readonly Dictionary<string, string> Prod = new() { ["env"] = "prod", ["team"] = "a" };

    [Fact]
    public void An_empty_selector_matches_every_namespace_including_one_without_labels()
    {
        Assert.True(LabelSelectors.Matches(new LabelSelector(), NoLabels));
        Assert.True(LabelSelectors.Matches(new LabelSelector { MatchLabels = [], MatchExpressions = [] }, NoLabels));
        Assert.True(LabelSelectors.Matches(new LabelSelector(), Prod));
    }

    [Theory]
    [InlineData(LabelSelectors.In, "prod", true, false)]
    [InlineData(LabelSelectors.In, "dev", false, false)]
    [InlineData(LabelSelectors.NotIn, "prod", false, true)]
    [InlineData(LabelSelectors.NotIn, "dev", true, true)]
    [InlineData(LabelSelectors.Exists, null, true, false)]
    [InlineData(LabelSelectors.DoesNotExist, null, false, true)]
    public void Each_operator_holds_as_in_kubernetes(string op, string? value, bool onProd, bool onUnlabelled)
    {
        var selector = Expression("env", op, value);
        Assert.Equal(onProd, LabelSelectors.Matches(selector, Prod));
        Assert.Equal(onUnlabelled, LabelSelectors.Matches(selector, NoLabels));
    }

    [Fact]
    public void DoesNotExist_and_NotIn_on_another_key_match_a_labelled_namespace_that_lacks_it()
    {
        Assert.True(LabelSelectors.Matches(Expression("blocked", LabelSelectors.DoesNotExist, null), Prod));
        Assert.True(LabelSelectors.Matches(Expression("blocked", LabelSelectors.NotIn, "yes"), Prod));
        Assert.False(LabelSelectors.Matches(Expression("blocked", LabelSelectors.DoesNotExist, null), new Dictionary<string, string> { ["blocked"] = string.Empty }));
    }

    [Fact]
    public void Match_labels_need_the_exact_value_case_sensitively()
    {
        Assert.True(LabelSelectors.Matches(new LabelSelector { MatchLabels = new() { ["env"] = "prod" } }, Prod));
        Assert.False(LabelSelectors.Matches(new LabelSelector { MatchLabels = new() { ["env"] = "Prod" } }, Prod));
        Assert.False(LabelSelectors.Matches(new LabelSelector { MatchLabels = new() { ["env"] = "prod" } }, NoLabels));
        Assert.False(LabelSelectors.Matches(new LabelSelector { MatchLabels = new() { ["env"] = string.Empty } }, NoLabels));
    }

    [Fact]
    public void Every_requirement_must_hold()
    {
        var selector = new LabelSelector
        {
            MatchLabels = new() { ["team"] = "a" },
            MatchExpressions =
            [
                new() { Key = "env", Operator = LabelSelectors.In, Values = ["prod", "staging"] },
                new() { Key = "blocked", Operator = LabelSelectors.DoesNotExist },
            ],
        };
        Assert.True(LabelSelectors.Matches(selector, Prod));
        Assert.False(LabelSelectors.Matches(selector, new Dictionary<string, string> { ["team"] = "a", ["env"] = "dev" }));
        Assert.False(LabelSelectors.Matches(selector, new Dictionary<string, string> { ["team"] = "a", ["env"] = "prod", ["blocked"] = "no" }));
        Assert.False(LabelSelectors.Matches(selector, NoLabels));
    }

    [Theory]
    [InlineData(LabelSelectors.In, null)]
    [InlineData(LabelSelectors.NotIn, null)]
    [InlineData(LabelSelectors.Exists, "x")]
    [InlineData(LabelSelectors.DoesNotExist, "x")]
    [InlineData("in", "prod")]
    [InlineData("Equals", "prod")]
    [InlineData("", null)]
    public void Selectors_kubernetes_would_reject_are_reported_and_never_match(string op, string? value)
    {
        var selector = Expression("env", op, value);
        Assert.NotNull(LabelSelectors.Problem(selector));
        Assert.False(LabelSelectors.Matches(selector, Prod));
        Assert.False(LabelSelectors.Matches(selector, NoLabels));
    }

    [Fact]
    public void A_requirement_without_a_key_is_reported()
    {
        Assert.NotNull(LabelSelectors.Problem(Expression(string.Empty, LabelSelectors.Exists, null)));
    }

    private static LabelSelector Expression(string key, string op, string? value) => new()
    {
        MatchExpressions = [new() { Key = key, Operator = op, Values = value is null ? null : [value] }],
    };
}
