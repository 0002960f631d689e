using System.Collections.Concurrent;
using System.Text;
using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Pipeline;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>Shared steps of the GitHubToken tests: a namespace granted by its own GitHubApp, and reading what the operator wrote.</summary>
internal static class GitHubTokenScenario
{
    private static int _cases;

    /// <summary>A fresh namespace and a ready GitHubApp granting it octo-org/octo-repo and the organization scope octo-org.</summary>
    public static async Task<(string Namespace, string App)> SetUpAsync(
        this OperatorEnvironment env, string test, Func<GitHubAppBuilder, GitHubAppBuilder>? configure = null)
    {
        var id = $"{test}-{Interlocked.Increment(ref _cases)}";
        id = id.Length > 40 ? id[^40..].TrimStart('-') : id;
        var (ns, app) = ($"{id}-ns", $"app-{id}");
        await env.ApplyAsync(TenancyResources.Namespace(ns));
        var builder = new GitHubAppBuilder(app, env).Grant([ns], "octo-org/octo-repo", "octo-org");
        await env.ApplyAsync((configure?.Invoke(builder) ?? builder).Build());
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, app, ConditionTypes.Ready, ConditionStatus.True);
        return (ns, app);
    }

    public static Task<GitHubToken> WaitForReadyAsync(this OperatorEnvironment env, string ns, string name, string reason = ConditionReasons.Issued, TimeSpan? timeout = null) =>
        env.WaitForConditionAsync<GitHubToken>(
            GithubStsResourceTypes.GitHubTokens, ns, name, ConditionTypes.Ready, reason == ConditionReasons.Issued ? ConditionStatus.True : ConditionStatus.False, reason, timeout);

    public static Task<GitHubToken> GetTokenAsync(this OperatorEnvironment env, string ns, string name) =>
        env.Admin.GetAsync<GitHubToken>(GithubStsResourceTypes.GitHubTokens, ns, name, CancellationToken.None);

    /// <summary>Polls the resource until <paramref name="condition"/> holds.</summary>
    public static async Task<GitHubToken> WaitForAsync(this OperatorEnvironment env, string ns, string name, Func<GitHubToken, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        GitHubToken? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await env.GetTokenAsync(ns, name);
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(200);
        }

        var ready = last?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        throw new TimeoutException($"GitHubToken {ns}/{name}: {what} did not happen; Ready {ready?.Status}/{ready?.Reason}: {ready?.Message}");
    }

    public static Task<V1Secret> ReadSecretAsync(this OperatorEnvironment env, string ns, string name) =>
        env.Admin.Library.CoreV1.ReadNamespacedSecretAsync(name, ns);

    public static async Task<bool> SecretExistsAsync(this OperatorEnvironment env, string ns, string name)
    {
        try
        {
            await env.Admin.GetAsync<Secret>(ResourceTypes.Secrets, ns, name, CancellationToken.None);
            return true;
        }
        catch (KubernetesNotFoundException)
        {
            return false;
        }
    }

    public static string Text(this V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    public static string Fingerprint(string token) => TokenFingerprint.Sha256(token);

    /// <summary>Every audit line the service's replicas write from now on.</summary>
    public static ConcurrentQueue<AuditEvent> RecordAudit(this OperatorEnvironment env)
    {
        var lines = new ConcurrentQueue<AuditEvent>();
        foreach (var service in env.Services)
        {
            service.Services.GetRequiredService<AuditTrail>().Written += lines.Enqueue;
        }

        return lines;
    }

    public static async Task DeleteTokenAsync(this OperatorEnvironment env, string ns, string name) =>
        await env.Cluster.KubectlAsync("-n", ns, "delete", "githubtoken", name, "--wait=false");

    public static async Task WaitUntilGoneAsync(this OperatorEnvironment env, string ns, string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await env.GetTokenAsync(ns, name);
            }
            catch (KubernetesNotFoundException)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"GitHubToken {ns}/{name} was not finalized");
    }
}
