using System.Text.Json.Nodes;
using static GithubSts.IntegrationTests.Deployment.ChartTooling;

namespace GithubSts.IntegrationTests.Deployment;

/// <summary>GitHubTokens are opt-in in the chart: no Secret-writing RBAC unless enabled, and then exactly config/rbac/githubtokens.</summary>
public sealed class GitHubTokenChartTests
{
    private static readonly string[] RbacKinds = ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];

    [HelmFact]
    public async Task By_default_nothing_may_write_tenant_secrets_and_the_feature_is_off()
    {
        var objects = await RenderAsync();
        Assert.DoesNotContain(objects, o => RbacKinds.Contains((string?)o["kind"]) && Grants(o, "secrets", "create"));
        Assert.DoesNotContain(Env(objects), e => (string?)e["name"] == "GITHUBSTS_KUBERNETES_GITHUB_TOKENS_ENABLED");

        // The aggregated roles let users manage GitHubTokens anyway (the CRD is installed; nothing acts on them).
        Assert.True(Grants(Single(objects, "ClusterRole", "githubsts-edit"), "githubtokens", "create"));
        Assert.True(Grants(Single(objects, "ClusterRole", "githubsts-view"), "githubtokens", "watch"));
    }

    [HelmFact]
    public async Task Enabled_it_grants_exactly_config_rbac_githubtokens_and_never_list_or_watch_of_secrets()
    {
        var objects = await RenderAsync("githubTokens.enabled=true", "githubTokens.mintsPerMinute=45");
        var rendered = objects.Where(o => RbacKinds.Contains((string?)o["kind"]) && ((string?)o["metadata"]!["name"])!.Contains("githubtoken", StringComparison.Ordinal)).ToList();
        var expected = ParseFiles(Path.Combine(RepositoryRoot, "config", "rbac", "githubtokens"));
        Assert.Equal(expected.Select(Canonical).Order(StringComparer.Ordinal), rendered.Select(Canonical).Order(StringComparer.Ordinal));

        Assert.DoesNotContain(objects, o => RbacKinds.Contains((string?)o["kind"]) && (Grants(o, "secrets", "list") || Grants(o, "secrets", "watch"))
            && o["metadata"]!["namespace"] is null);
        var env = Env(objects);
        Assert.Equal("true", (string?)env.Single(e => (string?)e["name"] == "GITHUBSTS_KUBERNETES_GITHUB_TOKENS_ENABLED")["value"]);
        Assert.Equal("45", (string?)env.Single(e => (string?)e["name"] == "GITHUBSTS_KUBERNETES_GITHUB_TOKENS_MINTS_PER_MINUTE")["value"]);
    }

    [HelmFact]
    public async Task Listed_namespaces_get_role_bindings_and_no_cluster_wide_secret_binding()
    {
        var objects = await RenderAsync("githubTokens.enabled=true", "githubTokens.namespaces={team-a,team-b}");
        var bindings = objects.Where(o => ((string?)o["metadata"]!["name"])!.EndsWith("githubtoken-secrets", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["ClusterRole//github-sts-githubtoken-secrets", "RoleBinding/team-a/github-sts-githubtoken-secrets", "RoleBinding/team-b/github-sts-githubtoken-secrets"],
            bindings.Select(Key).Order(StringComparer.Ordinal));
    }

    private static bool Grants(JsonObject role, string resource, string verb) =>
        role["rules"] is JsonArray rules && rules.Any(r =>
            r!["resources"] is JsonArray resources && resources.Any(x => (string?)x == resource)
            && r["verbs"] is JsonArray verbs && verbs.Any(x => (string?)x == verb || (string?)x == "*"));

    private static List<JsonObject> Env(List<JsonObject> objects) =>
        [.. Single(objects, "Deployment", ChartReleaseName)["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray().Select(e => e!.AsObject())];

    private static string Canonical(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        if (copy["metadata"]!["labels"] is JsonObject labels)
        {
            foreach (var key in labels.Select(kv => kv.Key).Where(k => k.StartsWith("app.kubernetes.io/", StringComparison.Ordinal) || k.StartsWith("helm.sh/", StringComparison.Ordinal)).ToList())
            {
                labels.Remove(key);
            }

            if (labels.Count == 0)
            {
                copy["metadata"]!.AsObject().Remove("labels");
            }
        }

        return copy.ToJsonString();
    }
}
