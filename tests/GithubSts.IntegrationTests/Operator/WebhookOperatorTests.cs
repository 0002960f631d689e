using System.Net;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Testing.Kubernetes;
using static GithubSts.IntegrationTests.Infrastructure.WebhookDeliveryClient;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Issue 13 §3 for a <c>GitHubApp</c> resource: its webhook secret comes from a Secret key
/// (<c>spec.webhookSecretRef</c>), deliveries signed with it get a check run, others get 401, and a rotated Secret is
/// used at once.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class WebhookOperatorTests(OperatorEnvironment env) : IClassFixture<OperatorEnvironment>
{
    private const string Ns = OperatorEnvironment.OperatorNamespace;
    private const string HookOrg = "hook-org";
    private const string Repo = "policies-repo";

    [KubernetesFact]
    public async Task A_GitHubApp_verifies_deliveries_with_the_secret_key_and_posts_the_check_run()
    {
        var installation = env.GitHub.AddInstallation(OperatorEnvironment.AppId, HookOrg, "Organization", [Repo],
            new Dictionary<string, string> { ["contents"] = "read", ["checks"] = "write", ["metadata"] = "read" });
        await env.Cluster.KubectlAsync("-n", Ns, "create", "secret", "generic", "hooked-webhook", "--from-literal=webhook-secret=" + Secret);
        await env.ApplyAsync($"""
            apiVersion: githubsts.io/v1alpha1
            kind: GitHubApp
            metadata:
              name: hooked
            spec:
              appId: {OperatorEnvironment.AppId}
              apiUrl: {env.GitHub.ApiUrl}
              privateKeySecretRef: {"{"}namespace: {Ns}, name: app-key{"}"}
              webhookSecretRef: {"{"}namespace: {Ns}, name: hooked-webhook{"}"}
              repositoryPolicies: {"{"}enabled: true{"}"}
            """);
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, "hooked", ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.Verified);

        var head = Sha('9');
        env.GitHub.SetFile(HookOrg, Repo, ".github/sts/hooked/ci.sts.yaml", "issuer: https://token.actions.githubusercontent.com\nsubject: repo:hook-org/policies-repo:ref:refs/heads/main\npermissions:\n  issues: write\n", head);
        var payload = PullRequest("opened", Sha('8'), head, installation, Repo);
        payload["repository"]!["owner"]!["login"] = HookOrg;

        using (var unsigned = await SendAsync(env.Client, "pull_request", payload, appId: OperatorEnvironment.AppId, sign: SignWith(OtherSecret)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        using (var signed = await SendAsync(env.Client, "pull_request", payload, appId: OperatorEnvironment.AppId))
        {
            Assert.Equal("processed", await signed.ResultAsync());
        }

        var run = Assert.Single(env.GitHub.CheckRuns, r => r.Owner == HookOrg);
        Assert.Equal(("failure", head), (run.Conclusion, run.HeadSha));
        var annotation = Assert.Single(run.Annotations, a => a.Level == "failure");
        Assert.Contains("cannot grant issues: write (it holds none)", annotation.Message, StringComparison.Ordinal);

        // The linter's warnings come with it (the findings are `github-sts policy lint`'s): a name-form Actions subject.
        var warning = Assert.Single(run.Annotations, a => a.Level == "warning");
        Assert.Equal(("NameFormSubject", 2), (warning.Title, warning.StartLine));

        // A rotated Secret is used at once: the old secret stops working, the new one works.
        await env.ApplyAsync($"""
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: hooked-webhook, namespace: {Ns}{"}"}
            stringData: {"{"}webhook-secret: {OtherSecret}{"}"}
            """);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var rotated = await SendAsync(env.Client, "ping", new System.Text.Json.Nodes.JsonObject(), appId: OperatorEnvironment.AppId, sign: SignWith(OtherSecret));
            if (rotated.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the rotated webhook secret was not picked up");
            await Task.Delay(200);
        }

        using var old = await SendAsync(env.Client, "ping", new System.Text.Json.Nodes.JsonObject(), appId: OperatorEnvironment.AppId);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
    }

    [KubernetesFact]
    public async Task A_webhookSecretRef_to_a_missing_key_or_a_short_secret_is_reported_and_serves_nothing()
    {
        await env.ApplyAsync($"""
            apiVersion: githubsts.io/v1alpha1
            kind: GitHubApp
            metadata:
              name: hook-missing
            spec:
              appId: {OperatorEnvironment.AppId}
              apiUrl: {env.GitHub.ApiUrl}
              privateKeySecretRef: {"{"}namespace: {Ns}, name: app-key{"}"}
              webhookSecretRef: {"{"}namespace: {Ns}, name: app-key{"}"}
            """);
        var missing = await env.WaitForConditionAsync<GitHubApp>(
            GithubStsResourceTypes.GitHubApps, null, "hook-missing", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.SecretNotFound);
        Assert.Contains("webhook-secret", missing.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Message, StringComparison.Ordinal);

        await env.ApplyAsync($"""
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: short-webhook, namespace: {Ns}{"}"}
            stringData: {"{"}webhook-secret: too-short{"}"}
            """);
        await env.ApplyAsync($"""
            apiVersion: githubsts.io/v1alpha1
            kind: GitHubApp
            metadata:
              name: hook-short
            spec:
              appId: {OperatorEnvironment.AppId}
              apiUrl: {env.GitHub.ApiUrl}
              privateKeySecretRef: {"{"}namespace: {Ns}, name: app-key{"}"}
              webhookSecretRef: {"{"}namespace: {Ns}, name: short-webhook{"}"}
            """);
        var shortSecret = await env.WaitForConditionAsync<GitHubApp>(
            GithubStsResourceTypes.GitHubApps, null, "hook-short", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.InvalidSpec);
        Assert.DoesNotContain("too-short", shortSecret.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Message, StringComparison.Ordinal);
    }
}
