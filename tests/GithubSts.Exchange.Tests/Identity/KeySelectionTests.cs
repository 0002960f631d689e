using System.Text.Json.Nodes;
using GithubSts.Exchange.Identity;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>security.md §5.B: key selection, algorithm pinning and unsafe JWKS content.</summary>
public sealed class KeySelectionTests : IdentityTestBase
{
    [Theory]
    [InlineData("PS256")]
    [InlineData("RS512")]
    [InlineData("RS384")]
    public async Task B04_RSA_algorithm_not_listed_by_discovery_is_refused(string alg)
    {
        // Discovery lists only RS256 (derived from the published key), and the key is pinned to RS256 too.
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Algorithm = alg), TokenRejectionReason.UnsupportedAlgorithm);
    }

    [Fact]
    public async Task B04_JWK_alg_pins_the_key_even_when_discovery_allows_more()
    {
        Idp.SigningAlgorithms = ["RS256", "PS256"];
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Algorithm = "PS256"), TokenRejectionReason.UnsupportedAlgorithm);
        await Harness.ValidateAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task ECDSA_header_on_an_RSA_key_is_refused()
    {
        Idp.SigningAlgorithms = ["RS256", "ES256"];
        var rsaNoAlg = Idp.AddRsaKey(publishedAlgorithm: null);
        var token = TestOidcIssuer.Forge($$"""{"alg":"ES256","kid":"{{rsaNoAlg.KeyId}}"}""", Idp.DefaultPayloadJson(), SigningChoice.Raw(new byte[64]));
        await Harness.RejectsAsync(token, TokenRejectionReason.UnsupportedAlgorithm);
    }

    [Fact]
    public async Task ECDSA_algorithm_must_match_the_key_curve()
    {
        Idp.SigningAlgorithms = ["ES256", "ES384"];
        var p256 = Idp.AddEcKey(curve: "P-256", publishAlgorithm: false);
        var token = TestOidcIssuer.Forge($$"""{"alg":"ES384","kid":"{{p256.KeyId}}"}""", Idp.DefaultPayloadJson(), SigningChoice.Raw(new byte[96]));
        await Harness.RejectsAsync(token, TokenRejectionReason.UnsupportedAlgorithm);
    }

    [Fact]
    public async Task B05_psychic_ECDSA_signature_r_s_zero_is_refused()
    {
        var ec = Idp.AddEcKey();
        var header = $$"""{"alg":"ES256","kid":"{{ec.KeyId}}","typ":"JWT"}""";
        await Harness.RejectsAsync(TestOidcIssuer.Forge(header, Idp.DefaultPayloadJson(), SigningChoice.Raw(new byte[64])), TokenRejectionReason.BadSignature);
    }

    [Fact]
    public async Task ECDSA_signature_in_DER_or_wrong_length_is_refused()
    {
        var ec = Idp.AddEcKey();
        var header = $$"""{"alg":"ES256","kid":"{{ec.KeyId}}"}""";
        var good = TestOidcIssuer.Forge(header, Idp.DefaultPayloadJson(), SigningChoice.With(ec));
        await Harness.ValidateAsync(good);
        var truncated = TestOidcIssuer.Forge(header, Idp.DefaultPayloadJson(), SigningChoice.Raw(new byte[63]));
        await Harness.RejectsAsync(truncated, TokenRejectionReason.BadSignature);
    }

    [Fact]
    public async Task B06_unknown_kid_triggers_exactly_one_refresh_then_is_refused()
    {
        await WarmAsync();
        Time.Advance(TimeSpan.FromSeconds(31));

        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.KeyId = "evil"), TokenRejectionReason.UnknownKey);
        Assert.Equal(1, Idp.JwksRequests);

        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.KeyId = "evil-2"), TokenRejectionReason.UnknownKey);
        Assert.Equal(1, Idp.JwksRequests);
    }

    [Fact]
    public async Task B06_unknown_kid_right_after_a_fetch_is_refused_without_refetching()
    {
        await WarmAsync();
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.KeyId = "evil"), TokenRejectionReason.UnknownKey);
        Assert.Equal(0, Idp.TotalRequests);
    }

    [Fact]
    public async Task B07_missing_kid_with_two_keys_is_refused_deterministically()
    {
        Idp.AddRsaKey();
        for (var i = 0; i < 100; i++)
        {
            await Harness.RejectsAsync(Idp.CreateToken(spec => spec.OmitKeyId = true), TokenRejectionReason.UnknownKey);
        }

        Assert.Equal(1, Idp.JwksRequests); // A missing kid never forces a refetch.
    }

    [Fact]
    public async Task Kid_published_twice_is_ambiguous_and_refused()
    {
        using var twin = TestSigningKey.CreateEc(Idp.DefaultKey.KeyId);
        Idp.Publish(twin);
        Idp.SigningAlgorithms = ["RS256", "ES256"];
        await Harness.RejectsAsync(Idp.CreateToken(), TokenRejectionReason.UnknownKey);
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Key = twin), TokenRejectionReason.UnknownKey);
    }

    [Fact]
    public async Task B23_oct_key_in_the_JWKS_is_ignored()
    {
        Idp.PublishOctKey("hmac", Idp.DefaultKey.PublicKeyPem);
        var hs256 = TestOidcIssuer.Forge("""{"alg":"HS256","kid":"hmac"}""", Idp.DefaultPayloadJson(), SigningChoice.Hmac(Idp.DefaultKey.PublicKeyPem));
        await Harness.RejectsAsync(hs256, TokenRejectionReason.UnsupportedAlgorithm);

        var claimsRs256 = TestOidcIssuer.Forge("""{"alg":"RS256","kid":"hmac"}""", Idp.DefaultPayloadJson(), SigningChoice.With(Idp.DefaultKey));
        await Harness.RejectsAsync(claimsRs256, TokenRejectionReason.UnknownKey);
        await Harness.ValidateAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task B23_JWK_carrying_private_parts_is_ignored()
    {
        using var leaked = TestSigningKey.CreateRsa("leaked");
        Idp.Publish(leaked, includePrivate: true);
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Key = leaked), TokenRejectionReason.UnknownKey);
        await Harness.ValidateAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task B23_JWKS_holding_only_private_keys_is_a_fetch_failure()
    {
        Idp.Unpublish(Idp.DefaultKey);
        Idp.Publish(Idp.DefaultKey, includePrivate: true);
        await Harness.UnavailableAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task B24_RSA_key_under_2048_bits_is_ignored()
    {
        var weak = Idp.AddRsaKey("weak", bits: 1024);
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Key = weak), TokenRejectionReason.UnknownKey);
    }

    [Theory]
    [InlineData("use", "\"enc\"")]
    [InlineData("key_ops", "[\"encrypt\"]")]
    [InlineData("key_ops", "\"verify\"")]
    [InlineData("alg", "\"HS256\"")]
    [InlineData("alg", "\"ES256\"")]
    [InlineData("kty", "\"oct\"")]
    [InlineData("e", "\"\"")]
    [InlineData("n", "\"AQAB\"")]
    [InlineData("n", "\"not base64!\"")]
    [InlineData("kid", "7")]
    public async Task Keys_not_meant_for_signature_verification_are_ignored(string member, string json)
    {
        using var key = TestSigningKey.CreateRsa("odd");
        var jwk = key.ToJwk();
        jwk[member] = JsonNode.Parse(json);
        Idp.PublishRaw(jwk);
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Key = key), TokenRejectionReason.UnknownKey);
    }

    [Fact]
    public async Task EC_point_off_the_curve_is_ignored()
    {
        using var key = TestSigningKey.CreateEc("off-curve");
        var jwk = key.ToJwk();
        jwk["y"] = Base64UrlText.Encode(new byte[32]);
        Idp.PublishRaw(jwk);
        Idp.SigningAlgorithms = ["RS256", "ES256"];
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Key = key), TokenRejectionReason.UnknownKey);
    }

    [Fact]
    public async Task B25_key_of_another_trusted_issuer_never_validates()
    {
        // Both issuers publish a key with the same kid, so only the per-issuer key set separates them.
        await using var other = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { Time = Time, DefaultKeyId = Idp.DefaultKey.KeyId });
        var otherOnly = other.AddRsaKey("other-only");
        using var harness = ValidatorHarness.Create(Time, Idp.Iss, other.Iss);
        await harness.ValidateAsync(other.CreateToken());
        await harness.ValidateAsync(Idp.CreateToken());

        var sameKid = other.CreateToken(spec => spec.Issuer = Idp.Iss);
        await harness.RejectsAsync(sameKid, TokenRejectionReason.BadSignature);

        var foreignKid = other.CreateToken(spec => (spec.Issuer, spec.Key) = (Idp.Iss, otherOnly));
        await harness.RejectsAsync(foreignKid, TokenRejectionReason.UnknownKey);
    }

    [Fact]
    public async Task Token_signed_by_a_foreign_key_with_a_known_kid_fails_verification()
    {
        using var foreign = TestSigningKey.CreateRsa(Idp.DefaultKey.KeyId);
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Key = foreign), TokenRejectionReason.BadSignature);
    }
}
