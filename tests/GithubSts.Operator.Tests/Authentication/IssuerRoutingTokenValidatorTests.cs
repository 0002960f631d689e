using System.Text.Json;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Identity;
using GithubSts.Operator.Authentication;
using GithubSts.Testing.Oidc;

namespace GithubSts.Operator.Tests.Authentication;

/// <summary>Issuer routing between the Kubernetes validator and the generic OIDC validator (§3.4 step 2).</summary>
public sealed class IssuerRoutingTokenValidatorTests : KubernetesTokenTestBase
{
    private const string GitHubIssuer = "https://token.actions.githubusercontent.com";

    private readonly StubValidator generic = new();

    [Fact]
    public async Task Cluster_token_goes_to_the_kubernetes_validator()
    {
        var router = new IssuerRoutingTokenValidator(await CreateInitializedAsync(), generic);

        var identity = await router.ValidateAsync(CreateToken(), CancellationToken.None);

        Assert.Equal(FakeClusterApi.DefaultIssuer, identity.Issuer);
        Assert.Equal(0, generic.Calls);
        Assert.Equal(1, Api.ReviewCalls);
    }

    [Fact]
    public async Task Other_issuer_goes_to_the_generic_validator()
    {
        var router = new IssuerRoutingTokenValidator(await CreateInitializedAsync(), generic);
        var token = GitHubToken();

        var identity = await router.ValidateAsync(token, CancellationToken.None);

        Assert.Same(generic.Result, identity);
        Assert.Equal(token, Assert.Single(generic.Tokens));
        Assert.Equal(0, Api.ReviewCalls + Api.DiscoveryCalls);
    }

    [Fact]
    public async Task Token_from_another_cluster_goes_to_the_generic_validator()
    {
        var router = new IssuerRoutingTokenValidator(await CreateInitializedAsync(), generic);

        await router.ValidateAsync(CreateToken((_, p) => p["iss"] = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"), CancellationToken.None);

        Assert.Equal(1, generic.Calls);
        Assert.Equal(0, Api.ReviewCalls);
    }

    [Fact]
    public async Task Forged_token_claiming_the_cluster_issuer_is_judged_by_the_kubernetes_rules()
    {
        var router = new IssuerRoutingTokenValidator(await CreateInitializedAsync(), generic);
        using var attacker = TestSigningKey.CreateRsa("k1");

        var e = await Assert.ThrowsAsync<TokenRejectedException>(() => router.ValidateAsync(CreateToken(key: attacker), CancellationToken.None).AsTask());

        Assert.Equal(TokenRejectionReason.BadSignature, e.Reason);
        Assert.Equal(0, generic.Calls);
    }

    [Fact]
    public async Task Legacy_token_is_refused_by_the_kubernetes_validator()
    {
        var router = new IssuerRoutingTokenValidator(await CreateInitializedAsync(), generic);
        var legacy = JwtForge.Create(
            """{"alg":"RS256","kid":"k1"}""",
            """{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"team-a","sub":"system:serviceaccount:team-a:builder"}""",
            SigningChoice.With(Key));

        var e = await Assert.ThrowsAsync<TokenRejectedException>(() => router.ValidateAsync(legacy, CancellationToken.None).AsTask());

        Assert.Equal(TokenRejectionReason.IssuerNotAllowed, e.Reason);
        Assert.Equal(0, generic.Calls);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c.d.e")]
    public async Task Malformed_tokens_go_to_the_generic_validator(string token)
    {
        var router = new IssuerRoutingTokenValidator(await CreateInitializedAsync(), generic);
        await router.ValidateAsync(token, CancellationToken.None);
        Assert.Equal(1, generic.Calls);
    }

    [Fact]
    public async Task Duplicate_iss_is_not_routed_by_either_value()
    {
        var router = new IssuerRoutingTokenValidator(await CreateInitializedAsync(), generic);
        var payload = $$"""{"iss":"{{GitHubIssuer}}","iss":"{{FakeClusterApi.DefaultIssuer}}","sub":"x"}""";

        await router.ValidateAsync(JwtForge.Create("""{"alg":"RS256","kid":"k1"}""", payload, SigningChoice.With(Key)), CancellationToken.None);

        Assert.Equal(1, generic.Calls); // The generic validator refuses it for the duplicate member.
        Assert.Equal(0, Api.ReviewCalls);
    }

    [Fact]
    public async Task A_pinned_other_cluster_is_routed_to_the_generic_validator_without_waiting_for_this_api_server()
    {
        Api.MetadataFailure = new HttpRequestException("Connection refused");
        var kubernetes = CreateValidator();
        await kubernetes.InitializeAsync(CancellationToken.None);
        var calls = Api.DiscoveryCalls;
        const string ClusterB = "https://oidc.cluster-b.example.com";
        var router = new IssuerRoutingTokenValidator(kubernetes, generic, [ClusterB]);

        await router.ValidateAsync(CreateToken((_, p) => p["iss"] = ClusterB), CancellationToken.None);

        Assert.Equal(1, generic.Calls);
        Assert.Equal(calls, Api.DiscoveryCalls);

        // Exact match only: a near miss still cannot be told apart from this cluster's tokens before discovery.
        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(
            () => router.ValidateAsync(CreateToken((_, p) => p["iss"] = ClusterB + "/"), CancellationToken.None).AsTask());
        Assert.Equal(1, generic.Calls);
    }

    [Fact]
    public async Task Before_discovery_a_kubernetes_token_waits_for_it_and_is_validated()
    {
        var router = new IssuerRoutingTokenValidator(CreateValidator(), generic); // Never initialized.

        var identity = await router.ValidateAsync(CreateToken(), CancellationToken.None);

        Assert.Equal(Subject, identity.Subject);
        Assert.Equal(0, generic.Calls);
    }

    [Fact]
    public async Task Api_server_down_before_discovery_makes_kubernetes_tokens_unavailable_but_not_other_tokens()
    {
        Api.MetadataFailure = new HttpRequestException("Connection refused");
        var kubernetes = CreateValidator();
        await kubernetes.InitializeAsync(CancellationToken.None);
        var router = new IssuerRoutingTokenValidator(kubernetes, generic);

        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => router.ValidateAsync(CreateToken(), CancellationToken.None).AsTask());
        // A token of another cluster cannot be told apart yet either: retryable, not misrouted.
        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(
            () => router.ValidateAsync(CreateToken((_, p) => p["iss"] = "https://other-cluster.example.com"), CancellationToken.None).AsTask());
        Assert.Equal(0, generic.Calls);

        await router.ValidateAsync(GitHubToken(), CancellationToken.None);
        Assert.Equal(1, generic.Calls);
    }

    [Fact]
    public async Task Routing_follows_an_issuer_change_after_the_refresh_interval()
    {
        var kubernetes = await CreateInitializedAsync(tokenReview: false);
        var router = new IssuerRoutingTokenValidator(kubernetes, generic);
        const string newIssuer = "https://oidc.example.com/clusters/prod";

        Api.Issuer = newIssuer;
        Time.Advance(TimeSpan.FromMinutes(10));
        var newToken = CreateToken();
        await router.ValidateAsync(newToken, CancellationToken.None); // Stale: routed by the old issuer, refresh started.
        Assert.Equal(1, generic.Calls);
        await kubernetes.WaitForPendingRefreshAsync();

        await router.ValidateAsync(newToken, CancellationToken.None);
        Assert.Equal(newIssuer, kubernetes.ClusterIssuer);
        Assert.Equal(1, generic.Calls);
    }

    [Fact]
    public void Peek_reads_the_unverified_issuer_strictly()
    {
        Assert.True(IssuerRoutingTokenValidator.TryPeek(CreateToken(), 16 * 1024, out var issuer, out var kubernetes));
        Assert.Equal(FakeClusterApi.DefaultIssuer, issuer);
        Assert.True(kubernetes);

        Assert.True(IssuerRoutingTokenValidator.TryPeek(GitHubToken(), 16 * 1024, out issuer, out kubernetes));
        Assert.Equal(GitHubIssuer, issuer);
        Assert.False(kubernetes);

        Assert.False(IssuerRoutingTokenValidator.TryPeek(CreateToken(), 100, out _, out _));
        Assert.False(IssuerRoutingTokenValidator.TryPeek(CreateToken((_, p) => p["iss"] = 42), 16 * 1024, out _, out _));
    }

    private string GitHubToken() => JwtForge.Create(
        """{"alg":"RS256","kid":"gh"}""",
        new JsonObject { ["iss"] = GitHubIssuer, ["sub"] = "repo:octo-org/octo-repo:ref:refs/heads/main", ["aud"] = Audience }.ToJsonString(),
        SigningChoice.With(Key));

    private sealed class StubValidator : IIdentityTokenValidator
    {
        private readonly List<string> tokens = [];

        public ValidatedIdentity Result { get; } = new()
        {
            Issuer = GitHubIssuer,
            Subject = "repo:octo-org/octo-repo:ref:refs/heads/main",
            Audiences = [Audience],
            ExpiresAt = DateTimeOffset.UnixEpoch,
            TokenHash = "stub",
            Claims = JsonDocument.Parse("{}").RootElement.Clone(),
        };

        public int Calls
        {
            get
            {
                lock (tokens)
                {
                    return tokens.Count;
                }
            }
        }

        public IReadOnlyList<string> Tokens
        {
            get
            {
                lock (tokens)
                {
                    return [.. tokens];
                }
            }
        }

        public ValueTask<ValidatedIdentity> ValidateAsync(string token, CancellationToken cancellationToken)
        {
            lock (tokens)
            {
                tokens.Add(token);
            }

            return ValueTask.FromResult(Result);
        }
    }
}
