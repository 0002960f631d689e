using System.Text.Json.Nodes;
using GithubSts.Exchange.Identity;
using GithubSts.Testing.Oidc;

namespace GithubSts.Operator.Tests.Authentication;

/// <summary>Discovering the cluster issuer and keys through the API server (kubernetes-and-design.md §3.4 step 2).</summary>
public sealed class ClusterIssuerDiscoveryTests : KubernetesTokenTestBase
{
    [Fact]
    public async Task Api_server_down_at_start_is_logged_and_tokens_are_unavailable_not_invalid()
    {
        Api.MetadataFailure = new HttpRequestException("Connection refused");
        var validator = CreateValidator();

        await validator.InitializeAsync(CancellationToken.None); // Does not throw.

        Assert.Null(validator.ClusterIssuer);
        Assert.Contains(Logger.Lines, line => line.StartsWith("Warning 1206", StringComparison.Ordinal));
        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => validator.ValidateAsync(CreateToken(), CancellationToken.None).AsTask());
        Assert.Equal(1, Api.DiscoveryCalls); // Within the retry interval: no new attempt per token.
        Assert.Equal(0, Api.ReviewCalls);
    }

    [Fact]
    public async Task Discovery_is_retried_later_and_then_tokens_validate()
    {
        Api.MetadataFailure = new HttpRequestException("Service Unavailable", null, System.Net.HttpStatusCode.ServiceUnavailable);
        var validator = CreateValidator();
        await validator.InitializeAsync(CancellationToken.None);

        Api.MetadataFailure = null;
        Time.Advance(TimeSpan.FromSeconds(30));
        var identity = await validator.ValidateAsync(CreateToken(), CancellationToken.None);

        Assert.Equal(FakeClusterApi.DefaultIssuer, validator.ClusterIssuer);
        Assert.Equal(Subject, identity.Subject);
        Assert.Equal(2, Api.DiscoveryCalls);
    }

    [Fact]
    public async Task Concurrent_first_validations_share_one_discovery()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Api.MetadataGate = gate.Task;
        var validator = CreateValidator(tokenReview: false);
        var token = CreateToken();

        var validations = Enumerable.Range(0, 8).Select(_ => validator.ValidateAsync(token, CancellationToken.None).AsTask()).ToArray();
        gate.SetResult();
        await Task.WhenAll(validations).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, Api.DiscoveryCalls);
        Assert.Equal(1, Api.JwksCalls);
    }

    [Fact]
    public async Task Discovery_that_hangs_times_out_as_unavailable()
    {
        Api.MetadataGate = new TaskCompletionSource().Task; // Never completes.
        var validator = CreateValidator();

        var validation = validator.ValidateAsync(CreateToken(), CancellationToken.None).AsTask();
        await WaitUntilAsync(() => Api.DiscoveryCalls == 1);
        Time.Advance(TimeSpan.FromSeconds(10)); // ApiTimeout.

        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => validation.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(validator.ClusterIssuer);
    }

    [Fact]
    public async Task Unknown_kid_triggers_exactly_one_rate_limited_refresh()
    {
        var validator = await CreateInitializedAsync();

        // Right after a fetch, an unknown kid does not cause another one.
        await RejectsAsync(validator, CreateToken((h, _) => h["kid"] = "evil"), TokenRejectionReason.UnknownKey);
        Assert.Equal(0, Api.JwksCalls);

        // The API server rotated in a new key: one refresh finds it.
        using var rotated = TestSigningKey.CreateRsa("k2");
        Api.Keys.Add(rotated);
        Time.Advance(TimeSpan.FromSeconds(30));
        await validator.ValidateAsync(CreateToken(key: rotated), CancellationToken.None);
        Assert.Equal(1, Api.JwksCalls);

        // An attacker's kid: one refresh per interval at most, then a plain rejection.
        Time.Advance(TimeSpan.FromSeconds(30));
        await RejectsAsync(validator, CreateToken((h, _) => h["kid"] = "evil"), TokenRejectionReason.UnknownKey);
        await RejectsAsync(validator, CreateToken((h, _) => h["kid"] = "evil-2"), TokenRejectionReason.UnknownKey);
        Assert.Equal(2, Api.JwksCalls);
        Assert.Equal(1, Api.ReviewCalls); // Only the good token was reviewed.
    }

    [Fact]
    public async Task Unknown_kid_while_the_api_server_is_down_is_unavailable()
    {
        var validator = await CreateInitializedAsync();
        Api.MetadataFailure = new HttpRequestException("Connection refused");
        Time.Advance(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(
            () => validator.ValidateAsync(CreateToken((h, _) => h["kid"] = "k2"), CancellationToken.None).AsTask());

        // Known keys keep working from the last-known-good copy.
        await validator.ValidateAsync(CreateToken(), CancellationToken.None);
    }

    [Fact]
    public async Task Missing_kid_selects_the_only_key_and_nothing_when_there_are_several()
    {
        var validator = await CreateInitializedAsync();
        await validator.ValidateAsync(CreateToken((h, _) => h.Remove("kid")), CancellationToken.None);

        using var second = TestSigningKey.CreateRsa("k2");
        Api.Keys.Add(second);
        Time.Advance(TimeSpan.FromSeconds(30));
        await validator.InitializeAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await RejectsAsync(validator, CreateToken((h, _) => h.Remove("kid")), TokenRejectionReason.UnknownKey);
        }
    }

    [Fact]
    public async Task Metadata_is_refreshed_in_the_background_and_kept_through_an_outage()
    {
        var validator = await CreateInitializedAsync(tokenReview: false);

        Time.Advance(TimeSpan.FromMinutes(10));
        Api.MetadataFailure = new HttpRequestException("Connection refused");
        await validator.ValidateAsync(CreateToken(), CancellationToken.None); // Served from the cached copy.
        await validator.WaitForPendingRefreshAsync();
        Assert.Equal(1, Api.DiscoveryCalls);
        Assert.Contains(Logger.Lines, line => line.Contains("Last-known-good copy kept: True", StringComparison.Ordinal));
        await validator.ValidateAsync(CreateToken(), CancellationToken.None);
        Assert.Equal(FakeClusterApi.DefaultIssuer, validator.ClusterIssuer);

        Api.MetadataFailure = null;
        Time.Advance(TimeSpan.FromSeconds(30));
        await validator.ValidateAsync(CreateToken(), CancellationToken.None);
        await validator.WaitForPendingRefreshAsync();
        Assert.Equal(2, Api.DiscoveryCalls);
    }

    [Fact]
    public async Task Issuer_change_on_the_api_server_is_followed()
    {
        var validator = await CreateInitializedAsync(tokenReview: false);
        var oldToken = CreateToken();

        Api.Issuer = "https://oidc.example.com/clusters/prod";
        Time.Advance(TimeSpan.FromMinutes(10));
        await validator.InitializeAsync(CancellationToken.None);

        Assert.Equal("https://oidc.example.com/clusters/prod", validator.ClusterIssuer);
        await validator.ValidateAsync(CreateToken(), CancellationToken.None);
        await RejectsAsync(validator, oldToken, TokenRejectionReason.IssuerNotAllowed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("kubernetes/serviceaccount")]
    [InlineData("https://kubernetes.default.svc\n")]
    public async Task Unusable_discovery_issuer_is_not_adopted(string issuer)
    {
        Api.Issuer = issuer;
        var validator = CreateValidator();
        await validator.InitializeAsync(CancellationToken.None);

        Assert.Null(validator.ClusterIssuer);
        Assert.Contains(Logger.Lines, line => line.StartsWith("Warning 1205", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Jwks_without_a_usable_key_is_not_adopted()
    {
        using var weak = TestSigningKey.CreateRsa("weak", bits: 1024);
        Api.Keys.Clear();
        Api.Keys.Add(weak);
        var validator = CreateValidator();
        await validator.InitializeAsync(CancellationToken.None);

        Assert.Null(validator.ClusterIssuer);
        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => validator.ValidateAsync(CreateToken(key: weak), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Discovery_algorithms_pin_the_token_alg()
    {
        using var ec = TestSigningKey.CreateEc("ec1");
        Api.Keys.Add(ec);
        Api.Algorithms = ["RS256"];
        var validator = await CreateInitializedAsync();

        await RejectsAsync(validator, CreateToken((h, _) => h["alg"] = "ES256", ec), TokenRejectionReason.UnsupportedAlgorithm);

        Api.Algorithms = ["PS256", "HS256", "none"];
        var noneUsable = CreateValidator();
        await noneUsable.InitializeAsync(CancellationToken.None);
        Assert.Null(noneUsable.ClusterIssuer);
    }

    [Fact]
    public async Task Jwks_with_only_private_or_symmetric_keys_or_duplicate_members_is_not_adopted()
    {
        Api.JwksOverride = new JsonObject { ["keys"] = new JsonArray(Key.ToJwk(includePrivate: true), new JsonObject { ["kty"] = "oct", ["k"] = "c2VjcmV0" }) };
        var validator = CreateValidator();
        await validator.InitializeAsync(CancellationToken.None);
        Assert.Null(validator.ClusterIssuer);

        // A duplicate member in the JWKS makes the whole document unusable.
        Api.JwksOverride = null;
        Api.JwksText = "{\"keys\":[" + Key.ToJwk().ToJsonString() + "],\"keys\":[]}";
        var duplicate = CreateValidator();
        await duplicate.InitializeAsync(CancellationToken.None);
        Assert.Null(duplicate.ClusterIssuer);

        Api.JwksText = "{\"keys\":[" + Key.ToJwk().ToJsonString() + "]}";
        var clean = CreateValidator();
        await clean.InitializeAsync(CancellationToken.None);
        Assert.Equal(FakeClusterApi.DefaultIssuer, clean.ClusterIssuer);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
