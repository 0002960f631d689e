using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Testing.Kubernetes;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Issue 11 §1 against the real kube-apiserver: a TrustPolicy's <c>audience</c>/<c>audiencePattern</c> needs one matching
/// <c>aud</c> of a multi-audience service-account token, and <c>sts.audiences</c> never make a cluster token valid
/// (TokenReview is asked about <c>sts.identifier</c> alone). Status, error and mints are checked for every exchange.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class AudienceOperatorTests(OperatorEnvironment env) : IClassFixture<OperatorEnvironment>
{
    private const string Ns = OperatorEnvironment.OperatorNamespace;
    private const string Repo = "octo-org/octo-repo";
    private const string Identifier = OperatorEnvironment.Audience;

    [KubernetesFact]
    public async Task An_audience_pattern_needs_one_matching_aud_of_a_multi_audience_token()
    {
        await env.ApplyAppAsync();
        await env.ApplyAsync(new TrustPolicyBuilder(Ns, "aud-pattern").ServiceAccount("aud-pattern").AudiencePattern("aud-[a-z]+").Build());
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "aud-pattern", ConditionTypes.Ready, ConditionStatus.True);
        var before = env.IssuedMints().Count;

        using (var allowed = await EventuallyAsync(env.Client, ["aud-x", Identifier], "aud-pattern", 200))
        {
            Assert.Equal(200, (int)allowed.StatusCode);
        }

        Assert.Equal(before + 1, env.IssuedMints().Count);
        foreach (var audiences in new[] { new[] { Identifier }, [Identifier, "aud-1"], [Identifier, "AUD-X"] })
        {
            using var mismatch = await ExchangeAsync(env.Client, audiences, "aud-pattern");
            Assert.Equal(403, (int)mismatch.StatusCode);
        }

        Assert.Equal(before + 1, env.IssuedMints().Count);
    }

    [KubernetesFact]
    public async Task A_policy_audience_needs_one_matching_aud_and_sts_audiences_never_validate_a_cluster_token()
    {
        await env.ApplyAppAsync();
        var replica = await env.StartServiceAsync(e => e["GITHUBSTS_STS_AUDIENCES"] = "github-sts");
        await env.ApplyAsync(new TrustPolicyBuilder(Ns, "aud-named").ServiceAccount("aud-named").Audience("custom-aud").Build());
        await env.ApplyAsync(new TrustPolicyBuilder(Ns, "aud-default").ServiceAccount("aud-default").Build());
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "aud-named", ConditionTypes.Ready, ConditionStatus.True);
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "aud-default", ConditionTypes.Ready, ConditionStatus.True);
        var before = env.IssuedMints().Count;

        using (var named = await EventuallyAsync(replica, [Identifier, "custom-aud"], "aud-named", 200))
        {
            Assert.Equal(200, (int)named.StatusCode);
        }

        using (var withDefault = await EventuallyAsync(replica, ["github-sts", Identifier], "aud-default", 200))
        {
            Assert.Equal(200, (int)withDefault.StatusCode);
        }

        Assert.Equal(before + 2, env.IssuedMints().Count);

        // Listed in sts.audiences, yet not this service's audience for cluster tokens: refused before any policy.
        foreach (var (audiences, identity) in new[] { (new[] { "github-sts" }, "aud-default"), (["custom-aud"], "aud-named"), (["github-sts", "custom-aud"], "aud-named") })
        {
            using var refused = await ExchangeAsync(replica, audiences, identity);
            Assert.Equal(401, (int)refused.StatusCode);
        }

        using (var mismatch = await ExchangeAsync(replica, [Identifier], "aud-named"))
        {
            Assert.Equal(403, (int)mismatch.StatusCode);
        }

        Assert.Equal(before + 2, env.IssuedMints().Count);
    }

    private async Task<HttpResponseMessage> ExchangeAsync(HttpClient client, string[] audiences, string identity) =>
        await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(Ns, identity, audiences), Repo, identity, client);

    /// <summary>Polls until the replica's index has the policy (it follows a watch).</summary>
    private async Task<HttpResponseMessage> EventuallyAsync(HttpClient client, string[] audiences, string identity, int status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var response = await ExchangeAsync(client, audiences, identity);
            if ((int)response.StatusCode == status || DateTime.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(200);
        }
    }
}
