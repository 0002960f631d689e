using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using GithubSts.Testing.Kms;
using GithubSts.Testing.Kubernetes;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Issue 11 §5 through the operator: a GitHubApp may name a KMS signer instead of a key Secret; it becomes Ready
/// against the real kube-apiserver and serves exchanges, and a KMS that refuses or cannot be reached shows in its
/// status with a reason of its own.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class KmsOperatorTests(OperatorEnvironment env) : IClassFixture<OperatorEnvironment>
{
    private const string Ns = OperatorEnvironment.OperatorNamespace;
    private const long KmsAppId = 6161;

    [KubernetesFact]
    public async Task A_github_app_with_a_kms_signer_needs_no_secret_becomes_ready_and_mints()
    {
        await using var kms = await LocalKms.StartAsync();
        env.GitHub.AddApp(KmsAppId, "kms-signed-operator", kms.Key);
        env.GitHub.AddInstallation(KmsAppId, OperatorEnvironment.Org, "Organization", ["octo-repo"],
            new Dictionary<string, string> { ["contents"] = "write", ["metadata"] = "read" });

        await env.ApplyAsync(SignerApp("kms-signed", KmsAppId, kms));
        var app = await env.WaitForConditionAsync<GitHubApp>(
            GithubStsResourceTypes.GitHubApps, null, "kms-signed", ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.Verified);
        Assert.Equal("kms-signed-operator", app.Status!.AppSlug);

        await env.Cluster.EnsureServiceAccountAsync(Ns, "kms-deployer");
        await env.ApplyAsync(OperatorEndToEndTests.Policy("kms-deploy", Ns, "serviceAccount: kms-deployer", app: "kms-signed"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "kms-deploy", ConditionTypes.Ready, ConditionStatus.True);

        var before = env.IssuedMints().Count;
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?scope=octo-org/octo-repo&identity=kms-deploy&app=kms-signed");
            request.Headers.Authorization = new("Bearer", await env.Cluster.CreateTokenAsync(Ns, "kms-deployer", OperatorEnvironment.Audience));
            using var response = await env.Client.SendAsync(request);
            Assert.True(200 == (int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.All(env.IssuedMints().Skip(before), m => Assert.Equal(KmsAppId, m.AppId));
        Assert.Equal(3, env.IssuedMints().Skip(before).Count());

        // The verification and the three exchanges share one App JWT.
        Assert.Equal(1, kms.SignCalls);
    }

    [KubernetesTheory]
    [InlineData(LocalKmsMode.AccessDenied, ConditionReasons.SignerAccessDenied)]
    [InlineData(LocalKmsMode.InvalidState, ConditionReasons.SignerAccessDenied)]
    [InlineData(LocalKmsMode.Unreachable, ConditionReasons.SignerUnavailable)]
    public async Task A_kms_that_refuses_or_is_down_is_reported_with_its_own_reason(LocalKmsMode mode, string reason)
    {
        await using var kms = await LocalKms.StartAsync();
        kms.Mode = mode;
        var name = "kms-" + mode.ToString().ToLowerInvariant();
        await env.ApplyAsync(SignerApp(name, KmsAppId + 1, kms));

        var app = await env.WaitForConditionAsync<GitHubApp>(
            GithubStsResourceTypes.GitHubApps, null, name, ConditionTypes.Ready, ConditionStatus.False, reason);
        var ready = app.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.Contains("KMS", ready.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalKms.SecretAccessKey, ready.Message, StringComparison.Ordinal);
    }

    [KubernetesFact]
    public async Task A_key_secret_and_a_signer_together_or_neither_is_an_invalid_spec()
    {
        // A CEL rule in the CRD refuses both on a real cluster; this test apiserver has no CEL, so the operator's own
        // check is what answers here.
        await using var kms = await LocalKms.StartAsync();
        await env.ApplyAsync(SignerApp("kms-and-key", KmsAppId + 2, kms) + $"""

              privateKeySecretRef:
                namespace: {Ns}
                name: app-key
            """);
        var both = await env.WaitForConditionAsync<GitHubApp>(
            GithubStsResourceTypes.GitHubApps, null, "kms-and-key", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.InvalidSpec);
        Assert.Contains("not both", both.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Message, StringComparison.Ordinal);

        await env.ApplyAsync($"""
            apiVersion: githubsts.io/v1alpha1
            kind: GitHubApp
            metadata:
              name: kms-neither
            spec:
              appId: {KmsAppId + 3}
            """);
        var neither = await env.WaitForConditionAsync<GitHubApp>(
            GithubStsResourceTypes.GitHubApps, null, "kms-neither", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.InvalidSpec);
        Assert.Contains("signer", neither.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Message, StringComparison.Ordinal);
        Assert.Equal(0, kms.SignCalls + kms.GetPublicKeyCalls);
    }

    private string SignerApp(string name, long appId, LocalKms kms) => $"""
        apiVersion: githubsts.io/v1alpha1
        kind: GitHubApp
        metadata:
          name: {name}
        spec:
          appId: {appId}
          apiUrl: {env.GitHub.ApiUrl}
          signer:
            kind: aws-kms
            keyId: {LocalKms.Alias}
            region: {LocalKms.Region}
            serviceUrl: {kms.ServiceUrl}
        """;
}
