using System.Text;
using GithubSts.Exchange.Policies.Linting;
using GithubSts.Operator.Linting;

namespace GithubSts.Operator.Tests.Linting;

/// <summary>TrustPolicy manifests go through the operator's own reading and compilation; YAML's traps are bounded.</summary>
public sealed class TrustPolicyManifestLinterTests
{
    private const string Header = "apiVersion: githubsts.io/v1alpha1\nkind: TrustPolicy\nmetadata:\n  name: p\n  namespace: ci\nspec:\n  app: app\n";

    [Fact]
    public void A_service_account_policy_compiles_against_the_stand_in_cluster_issuer()
    {
        var findings = TrustPolicyManifestLinter.Lint("p.yaml", Header + "  scope: octo-org/app\n  serviceAccount: deployer\n  permissions:\n    contents: read\n");

        Assert.Empty(findings);
    }

    [Fact]
    public void Anchors_and_aliases_are_expanded_like_kubectl_does()
    {
        var findings = TrustPolicyManifestLinter.Lint(
            "p.yaml", Header + "  scope: octo-org/app\n  serviceAccount: &sa deployer\n  identity: *sa\n  permissions:\n    contents: read\n");

        Assert.Empty(findings);
    }

    [Fact]
    public void An_alias_bomb_is_refused_at_the_node_budget_not_expanded()
    {
        var yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
        {
            yaml.Append($"a{i}: &a{i} [").AppendJoin(", ", Enumerable.Repeat($"*a{i - 1}", 10)).Append("]\n");
        }

        var finding = Assert.Single(TrustPolicyManifestLinter.Lint("bomb.yaml", yaml.Append("kind: TrustPolicy\n").ToString()));

        Assert.Equal(("InvalidYaml", LintSeverity.Error), (finding.Code, finding.Severity));
        Assert.Contains($"more than {YamlJson.MaxNodes} nodes", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: githubsts.io/v1\nkind: TrustPolicy\nmetadata: {name: p}\nspec: {app: a, scope: o}\n", "InvalidManifest", "apiVersion", 1)]
    [InlineData("apiVersion: githubsts.io/v1alpha1\nkind: TrustPolicy\nmetadata: {}\nspec: {app: a, scope: o, serviceAccount: s, permissions: {contents: read}}\n", "InvalidManifest", "metadata", 3)]
    [InlineData("apiVersion: githubsts.io/v1alpha1\nkind: TrustPolicy\nmetadata: {name: p}\nspec:\n  app: a\n  scope: o/r\n  repositories: app\n", "InvalidManifest", "spec.repositories", 7)]
    [InlineData("apiVersion: githubsts.io/v1alpha1\nkind: TrustPolicy\nmetadata: {name: p}\nspec:\n  app: a\n  scope: o/r\n  serviceAccount: s\n  subject: x\n", "InvalidManifest", "spec.serviceAccount", 7)]
    [InlineData("apiVersion: githubsts.io/v1alpha1\nkind: TrustPolicy\nmetadata: {name: p}\nspec:\n  app: a\n  scope: o/r\n  serviceAccount: s\n  permissions:\n    pull-requests: read\n", "UnknownPermission", "spec.permissions.pull-requests", 9)]
    [InlineData("apiVersion: githubsts.io/v1alpha1\nkind: TrustPolicy\nmetadata: {name: p}\nspec: [1]\n", "InvalidManifest", "spec", 4)]
    [InlineData("just: a mapping\n---\napiVersion: v1\nkind: ConfigMap\n", "InvalidManifest", "", 1)]
    public void What_the_api_server_or_the_operator_refuses_is_an_error_at_its_line(string yaml, string code, string field, int line)
    {
        var finding = Assert.Single(TrustPolicyManifestLinter.Lint("p.yaml", yaml));

        Assert.Equal((code, field, line), (finding.Code, finding.Field, finding.Line));
    }

    [Fact]
    public void Other_kinds_are_not_policies()
    {
        Assert.Empty(TrustPolicyManifestLinter.Lint("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {subjet: y}\n"));
    }
}
