using GithubSts.Exchange.Policies;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Testing.Kubernetes;
using Xunit.Abstractions;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// Issue 9 item 1 against the real kube-apiserver: a tenant's TrustPolicies cannot together exceed the namespace's
/// budget of heavy patterns (and cannot spend another namespace's), and a refused construct is reported with the
/// construct and its offset.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class PatternOperatorTests(OperatorEnvironment env, ITestOutputHelper output) : IClassFixture<OperatorEnvironment>
{
    private const string Repo = "octo-org/octo-repo";

    /// <summary>Heavy (not provably linear) yet accepted patterns: a policy may hold four.</summary>
    private static readonly Dictionary<string, string> FourHeavy = new(StringComparer.Ordinal)
    {
        ["h0"] = "(a|aa)*b",
        ["h1"] = "(ab|a)*c",
        ["h2"] = "(a+)+d",
        ["h3"] = "a.*b.*c.*e",
    };

    [KubernetesFact]
    public async Task Heavy_patterns_beyond_the_namespace_budget_are_not_ready_and_other_namespaces_are_unaffected()
    {
        const string Tenant = "pattern-tenant-a";
        const string Neighbour = "pattern-tenant-b";
        const string App = "app-pattern-budget";
        await env.ApplyAsync(TenancyResources.Namespace(Tenant), TenancyResources.Namespace(Neighbour));
        await env.ApplyAsync(new GitHubAppBuilder(App, env).Grant([Tenant, Neighbour], Repo).Build());
        await env.WaitForConditionAsync<GitHubApp>(GithubStsResourceTypes.GitHubApps, null, App, ConditionTypes.Ready, ConditionStatus.True);
        await env.Cluster.EnsureServiceAccountAsync(Tenant, "ci");
        await env.Cluster.EnsureServiceAccountAsync(Neighbour, "ci");

        var withinBudget = HeavyPatternBudget.PerNamespace / FourHeavy.Count;
        for (var i = 0; i < withinBudget; i++)
        {
            await env.ApplyAsync(HeavyPolicy(Tenant, $"heavy-{i}", App));
            await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Tenant, $"heavy-{i}", ConditionTypes.Ready, ConditionStatus.True);
        }

        await env.ApplyAsync(HeavyPolicy(Tenant, "heavy-beyond", App));
        var beyond = await env.WaitForConditionAsync<TrustPolicy>(
            GithubStsResourceTypes.TrustPolicies, Tenant, "heavy-beyond", ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.PatternBudgetExceeded);
        var message = beyond.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Message;
        output.WriteLine(message);
        Assert.Contains(HeavyPatternBudget.PerNamespace.ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);

        // The policies admitted first keep serving; the neighbour's budget is its own.
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Tenant, "heavy-0", ConditionTypes.Ready, ConditionStatus.True);
        // (Its own identity: two namespaces claiming one key is a Conflict, which is not what this test is about.)
        await env.ApplyAsync(HeavyPolicy(Neighbour, "neighbour-heavy", App));
        await env.WaitForConditionAsync<TrustPolicy>(GithubStsResourceTypes.TrustPolicies, Neighbour, "neighbour-heavy", ConditionTypes.Ready, ConditionStatus.True);
    }

    [KubernetesTheory]
    [InlineData("refused-comment", "a(?#x)*", "a comment", 1)]
    [InlineData("refused-option", "(?i)main", "inline option", 0)]
    [InlineData("refused-lookahead", "ma(?=i)in", "lookahead", 2)]
    [InlineData("refused-backreference", @"(m)\k<1>", "backreference", 3)]
    [InlineData("refused-angle-ref", @"(m)\<1>", "backreference", 3)]
    public async Task A_refused_construct_is_not_accepted_and_the_message_names_it_and_its_offset(string name, string pattern, string construct, int offset)
    {
        const string Ns = OperatorEnvironment.OperatorNamespace;
        await env.ApplyAppAsync();
        await env.Cluster.EnsureServiceAccountAsync(Ns, "patterns");
        await env.ApplyAsync(new TrustPolicyBuilder(Ns, name).ServiceAccount("patterns")
            .ClaimPatterns(new(StringComparer.Ordinal) { ["ref"] = pattern }).Build());

        var refused = await env.WaitForConditionAsync<TrustPolicy>(
            GithubStsResourceTypes.TrustPolicies, Ns, name, ConditionTypes.Accepted, ConditionStatus.False, ConditionReasons.InvalidPattern);
        var message = refused.Status!.Conditions!.Single(c => c.Type == ConditionTypes.Accepted).Message;
        output.WriteLine(message);
        Assert.Contains(construct, message, StringComparison.Ordinal);
        Assert.Contains($"at offset {offset}", message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.False, refused.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Status);

        var before = env.IssuedMints().Count;
        using var response = await env.ExchangeAsync(await env.Cluster.CreateTokenAsync(Ns, "patterns", OperatorEnvironment.Audience), Repo, name);
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal(before, env.IssuedMints().Count);
    }

    private static TrustPolicy HeavyPolicy(string ns, string name, string app) =>
        new TrustPolicyBuilder(ns, name).App(app).Scope(Repo).ServiceAccount("ci").ClaimPatterns(new(FourHeavy, StringComparer.Ordinal)).Build();
}
