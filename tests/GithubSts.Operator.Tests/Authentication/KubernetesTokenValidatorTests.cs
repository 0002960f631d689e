using System.Text.Json.Nodes;
using GithubSts.Exchange.Identity;
using GithubSts.Operator.Authentication;
using GithubSts.Testing.Oidc;

namespace GithubSts.Operator.Tests.Authentication;

/// <summary>Local checks of projected service-account tokens (kubernetes-and-design.md §3.4 step 3; security.md §1.6, §2.A-2.B).</summary>
public sealed class KubernetesTokenValidatorTests : KubernetesTokenTestBase
{
    [Fact]
    public async Task Valid_pod_bound_token_is_accepted_with_its_claims_for_policy_matching()
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken();

        var identity = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Equal(FakeClusterApi.DefaultIssuer, identity.Issuer);
        Assert.Equal(Subject, identity.Subject);
        Assert.Equal(new[] { Audience }, identity.Audiences);
        Assert.Equal(Time.GetUtcNow().AddHours(1), identity.ExpiresAt);
        Assert.Equal(Time.GetUtcNow(), identity.IssuedAt);
        Assert.NotNull(identity.TokenId);
        Assert.Equal(Sha256Hex(token), identity.TokenHash);
        Assert.True(identity.TryGetClaim("kubernetes.io.namespace", out var ns));
        Assert.Equal(Namespace, ns.GetString());
        Assert.True(identity.TryGetClaim("kubernetes.io.serviceaccount.name", out var sa));
        Assert.Equal(ServiceAccountName, sa.GetString());
        Assert.True(identity.TryGetClaim("kubernetes.io.pod.uid", out var pod));
        Assert.Equal(PodUid, pod.GetString());

        Assert.Equal(1, Api.ReviewCalls);
        Assert.Equal(new[] { Audience }, Assert.Single(Api.ReviewedAudiences));
        Assert.Equal(0, Api.DiscoveryCalls + Api.JwksCalls);
    }

    [Fact]
    public async Task Token_listing_our_audience_among_others_is_accepted()
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken((_, p) => p["aud"] = new JsonArray(ApiServerAudience, Audience));

        var identity = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Equal(new[] { ApiServerAudience, Audience }, identity.Audiences);
    }

    [Fact]
    public async Task Default_token_for_the_api_server_audience_is_refused_without_a_review()
    {
        var validator = await CreateInitializedAsync();

        await RejectsAsync(validator, CreateToken((_, p) => p["aud"] = new JsonArray(ApiServerAudience)), TokenRejectionReason.AudienceMismatch);
        await RejectsAsync(validator, CreateToken((_, p) => p["aud"] = "https://other.example.com"), TokenRejectionReason.AudienceMismatch);
        await RejectsAsync(validator, CreateToken((_, p) => p["aud"] = Audience + "/"), TokenRejectionReason.AudienceMismatch);
        Assert.Equal(0, Api.ReviewCalls);
    }

    [Fact]
    public async Task Legacy_secret_based_token_is_refused()
    {
        var validator = await CreateInitializedAsync();
        // The shape of a pre-1.24 Secret token (kubernetes pkg/serviceaccount/legacy.go): no exp, no aud, flat claims.
        var legacy = JwtForge.Create(
            """{"alg":"RS256","kid":"k1"}""",
            """
            {"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"team-a","kubernetes.io/serviceaccount/secret.name":"builder-token-x7p2q","kubernetes.io/serviceaccount/service-account.name":"builder","kubernetes.io/serviceaccount/service-account.uid":"5a2f6c1e-8d1b-4c53-9a0e-3f1f0d7c2b11","sub":"system:serviceaccount:team-a:builder"}
            """.Trim(),
            SigningChoice.With(Key));

        var e = await RejectsAsync(validator, legacy, TokenRejectionReason.IssuerNotAllowed);
        Assert.Contains("legacy", e.Message, StringComparison.Ordinal);

        // Legacy shape under the cluster issuer: still no exp, and no kubernetes.io object.
        await RejectsAsync(validator, CreateToken((_, p) => p.Remove("exp")), TokenRejectionReason.InvalidClaim);
        await RejectsAsync(validator, CreateToken((_, p) =>
        {
            p.Remove("kubernetes.io");
            p["kubernetes.io/serviceaccount/namespace"] = Namespace;
        }), TokenRejectionReason.InvalidClaim);
        Assert.Equal(0, Api.ReviewCalls);
    }

    [Fact]
    public async Task Missing_exp_is_refused()
    {
        var validator = await CreateInitializedAsync();
        var e = await RejectsAsync(validator, CreateToken((_, p) => p.Remove("exp")), TokenRejectionReason.InvalidClaim);
        Assert.Contains("exp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_iat_is_refused()
    {
        var validator = await CreateInitializedAsync();
        await RejectsAsync(validator, CreateToken((_, p) => p.Remove("iat")), TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task Time_claims_are_checked_with_at_most_60_seconds_of_skew()
    {
        var validator = await CreateInitializedAsync(tokenReview: false);
        var now = Time.GetUtcNow().ToUnixTimeSeconds();

        // C01/C02: expired beyond the skew is refused; just inside it is accepted.
        await RejectsAsync(validator, CreateToken((_, p) => { p["iat"] = now - 3661; p["nbf"] = now - 3661; p["exp"] = now - 61; }), TokenRejectionReason.Expired);
        await RejectsAsync(validator, CreateToken((_, p) => { p["iat"] = now - 3840; p["nbf"] = now - 3840; p["exp"] = now - 240; }), TokenRejectionReason.Expired);
        await validator.ValidateAsync(CreateToken((_, p) => { p["iat"] = now - 3659; p["nbf"] = now - 3659; p["exp"] = now - 59; }), CancellationToken.None);

        // C06/C07: not yet valid, issued in the future.
        await RejectsAsync(validator, CreateToken((_, p) => { p["nbf"] = now + 61; p["iat"] = now; }), TokenRejectionReason.NotYetValid);
        await RejectsAsync(validator, CreateToken((_, p) => { p["iat"] = now + 61; p["nbf"] = now; }), TokenRejectionReason.IssuedInFuture);
        await validator.ValidateAsync(CreateToken((_, p) => { p["iat"] = now + 59; p["nbf"] = now + 59; }), CancellationToken.None);

        // C08/C09: lifetime beyond 24 h (a token minted for a year, or exp ten years out).
        await RejectsAsync(validator, CreateToken((_, p) => p["exp"] = now + 86_401), TokenRejectionReason.LifetimeTooLong);
        await RejectsAsync(validator, CreateToken((_, p) => p["exp"] = now + (10L * 365 * 86_400)), TokenRejectionReason.LifetimeTooLong);
        await validator.ValidateAsync(CreateToken((_, p) => p["exp"] = now + 86_400), CancellationToken.None);

        // C10: inverted.
        await RejectsAsync(validator, CreateToken((_, p) => { p["iat"] = now + 10; p["exp"] = now + 5; }), TokenRejectionReason.InvalidClaim);
    }

    [Theory]
    [InlineData("\"1795300711\"")]
    [InlineData("1795300711.5")]
    [InlineData("1e300")]
    [InlineData("-1")]
    public async Task Non_integer_exp_is_refused(string raw)
    {
        var validator = await CreateInitializedAsync();
        await RejectsAsync(validator, CreateToken((_, p) => p["exp"] = JsonNode.Parse(raw)), TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task Bad_signature_is_refused_without_a_review()
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken();
        var flipped = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        await RejectsAsync(validator, flipped, TokenRejectionReason.BadSignature);

        // Signed by a key the cluster does not publish, under the cluster key's kid.
        using var attacker = TestSigningKey.CreateRsa("attacker");
        var forged = JwtForge.Create(
            """{"alg":"RS256","kid":"k1"}""",
            Base64UrlPayload(token),
            SigningChoice.With(attacker));
        await RejectsAsync(validator, forged, TokenRejectionReason.BadSignature);
        Assert.Equal(0, Api.ReviewCalls);
    }

    [Fact]
    public async Task Wrong_issuer_is_refused_by_the_kubernetes_validator()
    {
        var validator = await CreateInitializedAsync();
        await RejectsAsync(validator, CreateToken((_, p) => p["iss"] = "https://kubernetes.default.svc"), TokenRejectionReason.IssuerNotAllowed);
        await RejectsAsync(validator, CreateToken((_, p) => p["iss"] = FakeClusterApi.DefaultIssuer + "/"), TokenRejectionReason.IssuerNotAllowed);
    }

    [Theory]
    [InlineData("sub", "system:serviceaccount:team-b:builder")]
    [InlineData("sub", "system:serviceaccount:team-a:builder2")]
    [InlineData("sub", "system:serviceaccount:team-a")]
    [InlineData("namespace", "team-b")]
    [InlineData("namespace", "Team-A")]
    [InlineData("namespace", "team-a:x")]
    [InlineData("namespace", "")]
    public async Task Subject_must_match_the_kubernetes_io_claims(string member, string value)
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken((_, p) =>
        {
            if (member == "sub")
            {
                p["sub"] = value;
            }
            else
            {
                p["kubernetes.io"]!["namespace"] = value;
            }
        });

        await RejectsAsync(validator, token, TokenRejectionReason.InvalidClaim);
    }

    [Theory]
    [InlineData("serviceaccount.uid")]
    [InlineData("serviceaccount.name")]
    [InlineData("serviceaccount")]
    [InlineData("namespace")]
    [InlineData("pod.uid")]
    public async Task Required_kubernetes_io_members_must_be_present(string path)
    {
        var validator = await CreateInitializedAsync();
        var token = CreateToken((_, p) =>
        {
            var parts = path.Split('.');
            var parent = p["kubernetes.io"]!.AsObject();
            for (var i = 0; i < parts.Length - 1; i++)
            {
                parent = parent[parts[i]]!.AsObject();
            }

            parent.Remove(parts[^1]);
        });

        await RejectsAsync(validator, token, TokenRejectionReason.InvalidClaim);
    }

    [Fact]
    public async Task Unbound_token_is_accepted_unless_pod_binding_is_required()
    {
        var relaxed = await CreateInitializedAsync();
        var identity = await relaxed.ValidateAsync(CreateUnboundToken(), CancellationToken.None);
        Assert.False(identity.TryGetClaim("kubernetes.io.pod", out _));

        var strict = await CreateInitializedAsync(requirePodBinding: true);
        var e = await RejectsAsync(strict, CreateUnboundToken(), TokenRejectionReason.InvalidClaim);
        Assert.Contains("pod", e.Message, StringComparison.Ordinal);
        await strict.ValidateAsync(CreateToken(), CancellationToken.None);
    }

    [Theory]
    [InlineData("RS384")]
    [InlineData("RS512")]
    [InlineData("PS256")]
    public async Task Only_RS256_and_ES256_are_accepted(string alg)
    {
        var validator = await CreateInitializedAsync();
        await RejectsAsync(validator, CreateToken((h, _) => h["alg"] = alg), TokenRejectionReason.UnsupportedAlgorithm);
    }

    [Fact]
    public async Task Es256_cluster_key_is_accepted_when_discovery_lists_it()
    {
        using var ec = TestSigningKey.CreateEc("ec1");
        Api.Keys.Clear();
        Api.Keys.Add(ec);
        Api.Algorithms = ["ES256"];
        var validator = await CreateInitializedAsync();

        await validator.ValidateAsync(CreateToken((h, _) => h["alg"] = "ES256", ec), CancellationToken.None);

        // An RS256 token cannot use an EC key, and ES256 with r = s = 0 fails (CVE-2022-21449).
        await RejectsAsync(validator, JwtForge.Create("""{"alg":"ES256","kid":"ec1"}""", Base64UrlPayload(CreateToken((h, _) => h["alg"] = "ES256", ec)), SigningChoice.Raw(new byte[64])), TokenRejectionReason.BadSignature);
    }

    [Fact]
    public async Task Alg_none_and_hmac_are_refused()
    {
        var validator = await CreateInitializedAsync();
        var payload = Base64UrlPayload(CreateToken());

        await RejectsAsync(validator, JwtForge.Create("""{"alg":"none"}""", payload, SigningChoice.EmptySignature), TokenRejectionReason.Malformed);
        await RejectsAsync(validator, JwtForge.Create("""{"alg":"none","kid":"k1"}""", payload, SigningChoice.Raw([1, 2, 3])), TokenRejectionReason.UnsupportedAlgorithm);
        await RejectsAsync(validator, JwtForge.Create("""{"alg":"HS256","kid":"k1"}""", payload, SigningChoice.Hmac(Key.PublicKeyPem)), TokenRejectionReason.UnsupportedAlgorithm);
    }

    [Theory]
    [InlineData("crit", """["x-unknown"]""", TokenRejectionReason.ForbiddenHeader)]
    [InlineData("cty", "\"JWT\"", TokenRejectionReason.ForbiddenHeader)]
    [InlineData("jku", "\"http://169.254.169.254/latest/meta-data/\"", TokenRejectionReason.ForbiddenHeader)]
    [InlineData("x5u", "\"http://169.254.169.254/\"", TokenRejectionReason.ForbiddenHeader)]
    [InlineData("jwk", """{"kty":"oct","k":"AAAA"}""", TokenRejectionReason.ForbiddenHeader)]
    [InlineData("typ", "\"at+jwt\"", TokenRejectionReason.UnsupportedTokenType)]
    public async Task Forbidden_header_parameters_are_refused(string name, string value, TokenRejectionReason reason)
    {
        var validator = await CreateInitializedAsync();
        await RejectsAsync(validator, CreateToken((h, _) => h[name] = JsonNode.Parse(value)), reason);
        Assert.Equal(0, Api.DiscoveryCalls + Api.JwksCalls + Api.ReviewCalls);
    }

    [Fact]
    public async Task Typ_JWT_is_accepted()
    {
        var validator = await CreateInitializedAsync();
        await validator.ValidateAsync(CreateToken((h, _) => h["typ"] = "JWT"), CancellationToken.None);
    }

    [Fact]
    public async Task Structural_garbage_is_refused_before_any_api_call()
    {
        var validator = CreateValidator();
        var token = CreateToken();
        var header = token[..token.IndexOf('.', StringComparison.Ordinal)];
        var payloadJson = Base64UrlPayload(token);

        await RejectsAsync(validator, "", TokenRejectionReason.Malformed);
        await RejectsAsync(validator, new string('.', 100_000), TokenRejectionReason.TooLarge);
        await RejectsAsync(validator, token + ".x.y", TokenRejectionReason.Malformed);
        await RejectsAsync(validator, header + ".." + token[(token.LastIndexOf('.') + 1)..], TokenRejectionReason.Malformed);
        await RejectsAsync(validator, token.Replace('-', '+').Replace('_', '/') + "=", TokenRejectionReason.Malformed);
        await RejectsAsync(validator, JwtForge.Create("""{"alg":"none","alg":"RS256","kid":"k1"}""", payloadJson, SigningChoice.With(Key)), TokenRejectionReason.DuplicateMember);
        await RejectsAsync(validator, JwtForge.Create("""{"alg":"RS256","kid":"k1"}""", payloadJson[..^1] + ",\"sub\":\"system:serviceaccount:kube-system:admin\"}", SigningChoice.With(Key)), TokenRejectionReason.DuplicateMember);
        await RejectsAsync(validator, JwtForge.Create("""{"alg":"RS256","kid":"k1"}""", payloadJson + "xyz", SigningChoice.With(Key)), TokenRejectionReason.Malformed);
        await RejectsAsync(validator, JwtForge.Create("""{"alg":"RS256","kid":"k1"}""", "[1,2,3]", SigningChoice.With(Key)), TokenRejectionReason.Malformed);

        Assert.Null(validator.ClusterIssuer);
        Assert.Equal(0, Api.DiscoveryCalls + Api.JwksCalls + Api.ReviewCalls);
    }

    [Fact]
    public async Task Duplicate_member_inside_kubernetes_io_is_refused()
    {
        var validator = await CreateInitializedAsync();
        var payload = Base64UrlPayload(CreateToken()).Replace("\"namespace\":\"team-a\"", "\"namespace\":\"team-a\",\"namespace\":\"kube-system\"", StringComparison.Ordinal);
        await RejectsAsync(validator, JwtForge.Create("""{"alg":"RS256","kid":"k1"}""", payload, SigningChoice.With(Key)), TokenRejectionReason.DuplicateMember);
    }

    [Fact]
    public async Task Logs_never_contain_the_token()
    {
        var validator = await CreateInitializedAsync();
        var good = CreateToken();
        await validator.ValidateAsync(good, CancellationToken.None);
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        var expired = CreateToken((_, p) => { p["iat"] = now - 7200; p["nbf"] = now - 7200; p["exp"] = now - 3600; });
        await RejectsAsync(validator, expired, TokenRejectionReason.Expired);

        var secret = CreateToken();
        Api.Review = (token, _, _) => throw new HttpRequestException("500 Internal Server Error; request body: " + token);
        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => validator.ValidateAsync(secret, CancellationToken.None).AsTask());
        Api.Review = (token, _, _) => Task.FromResult(FakeClusterApi.Unauthenticated("invalid bearer token " + token));
        await RejectsAsync(validator, secret, TokenRejectionReason.InvalidClaim);

        Assert.NotEmpty(Logger.Lines);
        foreach (var token in new[] { good, expired, secret })
        {
            var signature = token[(token.LastIndexOf('.') + 1)..];
            Assert.DoesNotContain(Logger.Lines, line => line.Contains(signature, StringComparison.Ordinal));
        }

        Assert.Contains(Logger.Lines, line => line.Contains(Sha256Hex(secret)[..12], StringComparison.Ordinal));
        Assert.DoesNotContain(Logger.Lines, line => line.Contains(Sha256Hex(secret), StringComparison.Ordinal));
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new KubernetesTokenValidator(
            Api, new KubernetesTokenOptions { Audience = " " }, Time, Logger));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KubernetesTokenValidator(
            Api, new KubernetesTokenOptions { Audience = Audience, ReviewCacheTtl = TimeSpan.FromSeconds(31) }, Time, Logger));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KubernetesTokenValidator(
            Api, new KubernetesTokenOptions { Audience = Audience, ClockSkew = TimeSpan.FromMinutes(10) }, Time, Logger));
    }

    internal static string Base64UrlPayload(string token) =>
        System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
}
