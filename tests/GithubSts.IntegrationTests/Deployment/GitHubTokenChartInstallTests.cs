using GithubSts.Exchange.Configuration;
using GithubSts.IntegrationTests.Operator;
using GithubSts.Operator.Hosting;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Xunit.Abstractions;
using static GithubSts.IntegrationTests.Deployment.ChartTooling;

namespace GithubSts.IntegrationTests.Deployment;

/// <summary>
/// The chart installed with <c>githubTokens.enabled</c> and one listed namespace, and the real service running with its
/// service account's token: GitHubTokens work there (issued, then revoked and deleted), a namespace not listed gets
/// <c>SecretForbidden</c>, and the service account can never list or watch Secrets of a tenant namespace.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class GitHubTokenChartInstallTests(ITestOutputHelper output)
{
    private const string Release = "sts";
    private const long AppId = 7171;

    [HelmKubernetesFact]
    public async Task With_the_charts_rbac_tokens_are_written_only_where_granted_and_secrets_are_never_listed()
    {
        await using var cluster = await KubeApiServer.StartAsync();
        var ns = "sts-" + Guid.NewGuid().ToString("N")[..8];
        var (team, unlisted) = ("team-" + Guid.NewGuid().ToString("N")[..8], "unlisted-" + Guid.NewGuid().ToString("N")[..8]);
        var kubeconfig = cluster.WriteKubeconfig(Path.Combine(cluster.WorkDirectory, "helm.kubeconfig"));
        await cluster.EnsureNamespaceAsync(team);
        await cluster.EnsureNamespaceAsync(unlisted);
        output.WriteLine(await HelmAsync(
            "install", Release, ChartDirectory, "--namespace", ns, "--create-namespace", "--kubeconfig", kubeconfig, "--disable-openapi-validation", "--server-side=false",
            "--set", "config.sts.identifier=https://sts.example.com", "--set", "githubTokens.enabled=true", "--set", $"githubTokens.namespaces={{{team}}}"));
        await cluster.KubectlAsync("wait", "--for=condition=Established", "--timeout=60s", "crd/githubapps.githubsts.io", "crd/githubtokens.githubsts.io");

        await using var github = await GitHubSimulator.StartAsync();
        using var appKey = TestAppKey.Create();
        github.AddApp(AppId, "github-sts-chart-test", appKey.Key);
        github.AddInstallation(AppId, "octo-org", "Organization", ["octo-repo"], new Dictionary<string, string> { ["contents"] = "write", ["metadata"] = "read" });
        await cluster.KubectlAsync("-n", ns, "create", "secret", "generic", "app-key", "--from-literal=private-key.pem=" + appKey.Pkcs1Pem);
        await cluster.KubectlAsync("-n", team, "create", "secret", "generic", "bystander", "--from-literal=a=b");

        var token = await cluster.CreateTokenAsync(ns, "sts-github-sts", KubeApiServer.DefaultServiceAccountIssuer);
        using (var asOperator = cluster.CreateClient(token))
        {
            await Assert.ThrowsAsync<KubernetesForbiddenException>(() => asOperator.ListAsync<Secret>(ResourceTypes.Secrets, team, null, CancellationToken.None));
            await Assert.ThrowsAsync<KubernetesForbiddenException>(() => asOperator.ListAsync<Secret>(ResourceTypes.Secrets, null, null, CancellationToken.None));
            await Assert.ThrowsAsync<KubernetesForbiddenException>(() => asOperator.GetAsync<Secret>(ResourceTypes.Secrets, unlisted, "anything", CancellationToken.None));
        }

        var options = GithubStsConfigurationLoader.Load(
            null,
            new Dictionary<string, string>
            {
                ["GITHUBSTS_STS_IDENTIFIER"] = "https://sts.example.com",
                ["GITHUBSTS_KUBERNETES_NAMESPACE"] = ns,
                ["GITHUBSTS_MANAGEMENT_URLS"] = Infrastructure.ManagementClients.AnyFreePort,
                ["GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS"] = "0",
                ["GITHUBSTS_KUBERNETES_GITHUB_TOKENS_ENABLED"] = "true",
            },
            requireApps: false);
        await using WebApplication service = GithubStsHost.Build(["--urls", "http://127.0.0.1:0"], options, cluster.ConfigurationForToken(token));
        await service.StartAsync();
        try
        {
            await Apply(cluster, $$"""
                apiVersion: githubsts.io/v1alpha1
                kind: GitHubApp
                metadata: {name: chart}
                spec:
                  appId: {{AppId}}
                  apiUrl: {{github.ApiUrl}}
                  privateKeySecretRef: {namespace: {{ns}}, name: app-key}
                  tenants:
                    - namespaces: [{{team}}, {{unlisted}}]
                      repositories: [octo-org/octo-repo]
                ---
                apiVersion: githubsts.io/v1alpha1
                kind: GitHubToken
                metadata:
                  name: ci
                  namespace: {{team}}
                spec:
                  app: chart
                  scope: octo-org/octo-repo
                  permissions: {contents: read}
                ---
                apiVersion: githubsts.io/v1alpha1
                kind: GitHubToken
                metadata:
                  name: ci
                  namespace: {{unlisted}}
                spec:
                  app: chart
                  scope: octo-org/octo-repo
                  permissions: {contents: read}
                """);
            Assert.Equal("True/Issued", await WaitReadyAsync(cluster, team, "True/Issued"));
            Assert.Equal("False/SecretForbidden", await WaitReadyAsync(cluster, unlisted, "False/SecretForbidden"));
            var minted = Assert.Single(github.Mints);
            Assert.Equal(minted.Token, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(
                await cluster.KubectlAsync("-n", team, "get", "secret", "ci", "-o", "jsonpath={.data.token}"))));

            // Deletion needs only the granted verbs: the token is revoked and the Secret deleted; nothing else changed.
            await cluster.KubectlAsync("-n", team, "delete", "githubtoken", "ci", "--timeout=60s");
            Assert.True(github.IsRevoked(minted.Token));
            Assert.Equal(string.Empty, (await cluster.KubectlAsync("-n", team, "get", "secret", "ci", "--ignore-not-found", "-o", "name")).Trim());
            Assert.Equal("secret/bystander", (await cluster.KubectlAsync("-n", team, "get", "secret", "bystander", "-o", "name")).Trim());
        }
        finally
        {
            await service.StopAsync();
        }
    }

    private static async Task Apply(KubeApiServer cluster, string yaml)
    {
        var path = Path.Combine(cluster.WorkDirectory, Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(path, yaml);
        await cluster.KubectlAsync("apply", "--validate=false", "-f", path);
    }

    private static async Task<string> WaitReadyAsync(KubeApiServer cluster, string ns, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await cluster.KubectlAsync("-n", ns, "get", "githubtoken", "ci", "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}/{.status.conditions[?(@.type==\"Ready\")].reason}");
            if (last == expected)
            {
                return last;
            }

            await Task.Delay(200);
        }

        return last;
    }
}
