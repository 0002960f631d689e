using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Identity;
using GithubSts.Testing;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>Well-formed tokens are accepted and the identity carries exactly what the token said.</summary>
public sealed class HappyPathTests : IdentityTestBase
{
    [Fact]
    public async Task Valid_RS256_token_yields_the_identity()
    {
        var now = Time.GetUtcNow();
        var token = Idp.CreateToken(spec =>
        {
            spec.Subject = "repo:octo-org/octo-repo:environment:prod";
            spec.Audience = new JsonArray("https://sts.example.com", "other");
            spec.TokenId = "jti-1";
            spec.Claims["repository_id"] = "123";
            spec.Claims["kubernetes.io"] = new JsonObject { ["namespace"] = "prod" };
        });

        var identity = await Harness.ValidateAsync(token);

        Assert.Equal(Idp.Iss, identity.Issuer);
        Assert.Equal("repo:octo-org/octo-repo:environment:prod", identity.Subject);
        Assert.Equal(["https://sts.example.com", "other"], identity.Audiences);
        Assert.Equal("jti-1", identity.TokenId);
        Assert.Equal(now.AddMinutes(5).ToUnixTimeSeconds(), identity.ExpiresAt.ToUnixTimeSeconds());
        Assert.Equal(now.ToUnixTimeSeconds(), identity.IssuedAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(now.ToUnixTimeSeconds(), identity.NotBefore!.Value.ToUnixTimeSeconds());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token))), identity.TokenHash);
        Assert.True(identity.TryGetClaim("repository_id", out var repositoryId));
        Assert.Equal("123", repositoryId.GetString());
        Assert.True(identity.TryGetClaim("kubernetes.io.namespace", out var ns));
        Assert.Equal("prod", ns.GetString());
    }

    [Fact]
    public async Task Single_string_audience_becomes_a_one_element_list_and_optional_claims_may_be_absent()
    {
        var identity = await Harness.ValidateAsync(Idp.CreateToken(spec =>
        {
            spec.Audience = "aud-1";
            spec.Omit.UnionWith(["iat", "nbf", "jti"]);
        }));

        Assert.Equal(["aud-1"], identity.Audiences);
        Assert.Null(identity.IssuedAt);
        Assert.Null(identity.NotBefore);
        Assert.Null(identity.TokenId);
    }

    [Theory]
    [InlineData("P-256")]
    [InlineData("P-384")]
    [InlineData("P-521")]
    public async Task Valid_ECDSA_tokens_are_accepted_on_their_curve(string curve)
    {
        var key = Idp.AddEcKey(curve: curve);
        var identity = await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Key = key));
        Assert.Equal(Idp.Iss, identity.Issuer);
    }

    [Fact]
    public async Task PS256_is_accepted_when_discovery_and_the_key_allow_it()
    {
        var key = Idp.AddRsaKey(algorithm: "PS256", publishedAlgorithm: "PS256");
        Idp.SigningAlgorithms = ["RS256", "PS256"];
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Key = key));
    }

    [Fact]
    public async Task Key_without_alg_accepts_any_algorithm_of_its_family_that_discovery_lists()
    {
        var key = Idp.AddRsaKey(publishedAlgorithm: null);
        Idp.SigningAlgorithms = ["RS256", "RS512"];
        await Harness.ValidateAsync(Idp.CreateToken(spec => (spec.Key, spec.Algorithm) = (key, "RS512")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("JWT")]
    [InlineData("jwt")]
    public async Task Typ_may_be_absent_or_JWT_in_any_case(string? type)
    {
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Type = type));
    }

    [Fact]
    public async Task Unicode_letters_in_sub_are_allowed()
    {
        var identity = await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Subject = "用户123-user😀"));
        Assert.Equal("用户123-user😀", identity.Subject);
    }

    [Fact]
    public async Task Sub_of_exactly_255_code_points_is_accepted()
    {
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.Subject = new string('a', 254) + "😀"));
    }

    [Fact]
    public async Task Warm_cache_validates_without_any_request()
    {
        await WarmAsync();
        for (var i = 0; i < 20; i++)
        {
            await Harness.ValidateAsync(Idp.CreateToken());
        }

        Assert.Equal(0, Idp.TotalRequests);
    }

    [Fact]
    public async Task Hot_path_completes_synchronously()
    {
        await WarmAsync();
        var token = Idp.CreateToken();
        var pending = Harness.Validator.ValidateAsync(token, CancellationToken.None);
        Assert.True(pending.IsCompletedSuccessfully);
        await pending;
    }

    [Fact]
    public async Task Hot_path_allocates_little()
    {
        await WarmAsync();
        var token = Idp.CreateToken();
        await Harness.ValidateAsync(token); // JIT and first-use costs out of the way.

        var before = GC.GetAllocatedBytesForCurrentThread();
        var pending = Harness.Validator.ValidateAsync(token, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.True(allocated < 8 * 1024, $"allocated {allocated} bytes");
        Assert.Equal(0, Idp.TotalRequests);
    }

    [Fact]
    public async Task Parallel_validations_all_succeed_with_one_discovery_and_one_JWKS_fetch()
    {
        var tokens = Enumerable.Range(0, 200).Select(i => Idp.CreateToken(spec => spec.Subject = $"sub-{i}")).ToArray();
        var identities = await Task.WhenAll(tokens.Select(t => Task.Run(() => Harness.ValidateAsync(t))));
        Assert.Equal(200, identities.Select(i => i.Subject).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1, Idp.DiscoveryRequests);
        Assert.Equal(1, Idp.JwksRequests);
    }

    [Theory]
    [InlineData("/tenant/v2.0", false)]
    [InlineData("/72f988bf-86f1-41af-91ab-2d7cd011db47", true)]
    public async Task Issuers_with_a_path_or_trailing_slash_are_matched_exactly(string suffix, bool trailingSlash)
    {
        var time = new ManualTimeProvider();
        await using var idp = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { Time = time, PathSuffix = suffix, TrailingSlash = trailingSlash });
        using var harness = ValidatorHarness.Create(time, idp.Iss);

        var identity = await harness.ValidateAsync(idp.CreateToken());

        Assert.Equal(idp.Iss, identity.Issuer);
        Assert.Equal(trailingSlash, identity.Issuer.EndsWith('/'));
    }

    [Fact]
    public async Task Missing_signing_algorithm_list_defaults_to_RS256()
    {
        Idp.OmitSigningAlgorithms = true;
        await Harness.ValidateAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task Missing_kid_is_accepted_when_the_JWKS_has_exactly_one_key()
    {
        await Harness.ValidateAsync(Idp.CreateToken(spec => spec.OmitKeyId = true));
    }

    [Fact]
    public async Task Constructor_refuses_a_listed_issuer_that_is_not_an_acceptable_url()
    {
        using var http = new HttpClient();
        var options = new OidcValidationOptions { AllowedIssuers = ["http://example.com"] };
        Assert.Throws<ArgumentException>(() => new OidcMetadataCache(options, http, Time, new CapturingLogger<OidcMetadataCache>()));
        await Task.CompletedTask;
    }
}
