using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Testing.Kubernetes;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Issue 9 items 2, 5.2 and 7.4 against the real kube-apiserver: TrustPolicies whose permissions, subjects or
/// repositories exceed their scope are reported with a reason, never indexed, and mint nothing.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class ScopeOperatorTests(OperatorEnvironment env, ITestOutputHelper output) : IClassFixture<OperatorEnvironment>
{
    private const string Ns = OperatorEnvironment.OperatorNamespace;

    [KubernetesFact]
    public async Task Organization_permissions_in_a_repository_scope_are_refused_with_a_reason_and_mint_nothing()
    {
        await env.ApplyAppAsync();
        await env.Cluster.EnsureServiceAccountAsync(Ns, "scoped");
        foreach (var (name, permission) in new[] { ("org-admin", "organization_administration: write"), ("org-members", "members: read"), ("acct-gpg", "gpg_keys: read") })
        {
            await env.ApplyAsync(OperatorEndToEndTests.Policy(name, Ns, "serviceAccount: scoped", $"contents: read\n    {permission}"));
            var policy = await env.WaitForConditionAsync<TrustPolicy>(
                GithubStsResourceTypes.TrustPolicies, Ns, name, ConditionTypes.Accepted, ConditionStatus.False, ConditionReasons.PermissionOutsideScope);
            var ready = policy.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
            Assert.Equal(ConditionStatus.False, ready.Status);
            output.WriteLine(policy.Status.Conditions!.Single(c => c.Type == ConditionTypes.Accepted).Message);

            var before = env.IssuedMints().Count;
            using var response = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(Ns, "scoped", OperatorEnvironment.Audience), "octo-org/octo-repo", name);
            Assert.Equal(403, (int)response.StatusCode);
            Assert.Equal(before, env.IssuedMints().Count);
        }
    }

    [KubernetesFact]
    public async Task Organization_permissions_need_the_apps_opt_in_and_organization_policies_their_repositories()
    {
        await env.ApplyAppAsync();
        await env.Cluster.EnsureServiceAccountAsync(Ns, "org-bot");
        await env.ApplyAsync(OperatorEndToEndTests.Policy(
            "org-members-no-opt-in", Ns, "serviceAccount: org-bot\n  repositories: [octo-repo]", "members: read", scope: OperatorEnvironment.Org));
        await env.WaitForConditionAsync<TrustPolicy>(
            GithubStsResourceTypes.TrustPolicies, Ns, "org-members-no-opt-in", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.OrganizationPermissionsNotAllowed);

        // The API server of these tests (1.20) ignores the CEL rule that refuses this object; the operator refuses it too.
        await env.ApplyAsync(OperatorEndToEndTests.Policy("org-no-repositories", Ns, "serviceAccount: org-bot", scope: OperatorEnvironment.Org));
        await env.WaitForConditionAsync<TrustPolicy>(
            GithubStsResourceTypes.TrustPolicies, Ns, "org-no-repositories", ConditionTypes.Accepted, ConditionStatus.False, ConditionReasons.MissingRepositories);

        var before = env.IssuedMints().Count;
        foreach (var identity in new[] { "org-members-no-opt-in", "org-no-repositories" })
        {
            using var response = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(Ns, "org-bot", OperatorEnvironment.Audience), OperatorEnvironment.Org, identity);
            Assert.Equal(403, (int)response.StatusCode);
        }

        Assert.Equal(before, env.IssuedMints().Count);
    }

    [KubernetesFact]
    public async Task An_actions_trust_policy_must_pin_its_repository_unless_it_says_otherwise()
    {
        await env.ApplyAppAsync();
        const string Issuer = "issuer: https://token.actions.githubusercontent.com";
        await env.ApplyAsync(OperatorEndToEndTests.Policy("actions-any", Ns, $"{Issuer}\n  subjectPattern: \"repo:[^@]*\""));
        var refused = await env.WaitForConditionAsync<TrustPolicy>(
            GithubStsResourceTypes.TrustPolicies, Ns, "actions-any", ConditionTypes.Accepted, ConditionStatus.False, ConditionReasons.UnpinnedRepositorySubject);
        Assert.Contains("allowAnyRepositorySubject", refused.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Accepted).Message, StringComparison.Ordinal);

        await env.ApplyAsync(OperatorEndToEndTests.Policy("actions-any", Ns, $"{Issuer}\n  subjectPattern: \"repo:[^@]*\"\n  allowAnyRepositorySubject: true"));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "actions-any", ConditionTypes.Accepted, ConditionStatus.True);

        await env.ApplyAsync(OperatorEndToEndTests.Policy("actions-pinned", Ns, $"{Issuer}\n  subjectPattern: \"repo:octo-org/octo-repo:ref:refs/heads/.*\""));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, "actions-pinned", ConditionTypes.Accepted, ConditionStatus.True);
    }

    [KubernetesFact]
    public async Task An_apps_organization_opt_in_admits_organization_permissions_and_mints_exactly_them()
    {
        const string OptOrg = "opt-in-org";
        const string Name = "org-members-opt-in";
        env.GitHub.AddInstallation(OperatorEnvironment.AppId, OptOrg, "Organization", ["app-repo", ".github"],
            new Dictionary<string, string> { ["contents"] = "write", ["members"] = "write", ["metadata"] = "read" });
        await env.Cluster.EnsureServiceAccountAsync(Ns, "org-opt-bot");
        try
        {
            await env.ApplyAppAsync(extraSpec: "  allowOrganizationPermissions: true");
            await env.ApplyAsync(OperatorEndToEndTests.Policy(
                Name, Ns, "serviceAccount: org-opt-bot\n  repositories: [app-repo]", "members: read", scope: OptOrg));
            await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Ns, Name, ConditionTypes.Ready, ConditionStatus.True);

            var before = env.IssuedMints().Count;
            using (var response = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(Ns, "org-opt-bot", OperatorEnvironment.Audience), OptOrg, Name))
            {
                Assert.Equal(200, (int)response.StatusCode);
            }

            var mints = env.IssuedMints();
            Assert.Equal(before + 1, mints.Count);
            var mint = mints[^1];
            Assert.Equal(new Dictionary<string, string> { ["members"] = "read" }, mint.RequestedPermissions);
            Assert.Equal(["app-repo"], mint.RequestedRepositories);

            // Without the opt-in the same policy stops serving: Ready=False with the reason, and nothing is minted.
            await env.ApplyAppAsync();
            await env.WaitForConditionAsync<TrustPolicy>(
                GithubStsResourceTypes.TrustPolicies, Ns, Name, ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.OrganizationPermissionsNotAllowed);
            var afterOptOut = env.IssuedMints().Count;
            using (var refused = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(Ns, "org-opt-bot", OperatorEnvironment.Audience), OptOrg, Name))
            {
                Assert.Equal(403, (int)refused.StatusCode);
            }

            Assert.Equal(afterOptOut, env.IssuedMints().Count);
        }
        finally
        {
            await env.ApplyAppAsync();
        }
    }
}
