using System.Security.Cryptography;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Pipeline.Steps;
using GithubSts.Exchange.Policies;
using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Requests;
using GithubSts.Exchange.Tests.Policies;

namespace GithubSts.Exchange.Tests.Pipeline;

/// <summary>
/// Issue 9, item 4: a policy that speaks for a scope on someone else's behalf (a tenant's TrustPolicy) yields to the
/// scope owner's own policy for the same key; one that does not yield is used as found.
/// </summary>
public sealed class ResolvePolicyPrecedenceTests
{
    private static readonly CompiledTrustPolicy Policy = PolicyTestKit.Compile(PolicyTestKit.Yaml());

    [Fact]
    public async Task A_yielding_policy_loses_to_a_later_sources_policy_for_the_same_key()
    {
        var context = await ResolveAsync(new Source(10, new Yielding(Policy, "tenant")), new Source(20, new ResolvedPolicy(Policy, "owner")));
        Assert.Equal("owner", context.Policy.Origin);
    }

    [Fact]
    public async Task A_yielding_policy_serves_when_no_later_source_has_one()
    {
        var later = new Source(20, null);
        var context = await ResolveAsync(new Source(10, new Yielding(Policy, "tenant")), later);
        Assert.Equal("tenant", context.Policy.Origin);
        Assert.Equal(1, later.Lookups);
    }

    [Fact]
    public async Task A_policy_that_does_not_yield_is_used_and_later_sources_are_not_asked()
    {
        var later = new Source(20, new ResolvedPolicy(Policy, "owner"));
        var context = await ResolveAsync(new Source(10, new ResolvedPolicy(Policy, "override")), later);
        Assert.Equal("override", context.Policy.Origin);
        Assert.Equal(0, later.Lookups);
    }

    [Fact]
    public async Task A_failure_reading_the_owners_source_fails_the_exchange_rather_than_falling_back()
    {
        var failing = new Source(20, null) { Failure = new GitHubApiException("down", 503) };
        await Assert.ThrowsAsync<ExchangeException>(() => ResolveAsync(new Source(10, new Yielding(Policy, "tenant")), failing));
    }

    private static async Task<ExchangeContext> ResolveAsync(params IPolicySource[] sources)
    {
        using var key = RSA.Create(2048);
        Assert.True(PolicyPathTemplate.TryCreate(PolicyPathTemplate.PyGithubStsLayout, out var path, out _));
        Assert.True(ExchangeTarget.TryParse("org/repo", out var target));
        var context = new ExchangeContext(new ExchangeRequest { Scope = "org/repo", Identity = "deploy", SubjectToken = "t", RequestId = "r" })
        {
            Target = target,
            Identity = "deploy",
            App = new GitHubAppRuntime
            {
                Credentials = new GitHubAppCredentials("default", 1, key, new Uri("https://api.github.com/")),
                PolicyPath = path,
                OrgPolicyRepository = ".github",
            },
            Caller = PolicyTestKit.GitHubIdentity(),
        };
        await new ResolvePolicyStep(sources.Reverse(), new ServiceIdentity(PolicyTestKit.ServiceIdentifier)).ExecuteAsync(context, default);
        return context;
    }

    private sealed record Yielding(CompiledTrustPolicy Compiled, string From) : ResolvedPolicy(Compiled, From)
    {
        public override bool YieldsToLaterSources => true;
    }

    private sealed class Source(int order, ResolvedPolicy? policy) : IPolicySource
    {
        public int Order => order;

        public int Lookups { get; private set; }

        public Exception? Failure { get; init; }

        public ValueTask<ResolvedPolicy?> FindAsync(PolicyLookup lookup, CancellationToken cancellationToken)
        {
            Lookups++;
            return Failure is null ? ValueTask.FromResult(policy) : ValueTask.FromException<ResolvedPolicy?>(Failure);
        }
    }
}
