using System.Text;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Identity;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>
/// security.md §5.B: hostile JWT structure, encodings and headers. Each is refused before any network or crypto work,
/// which the cold cache proves: the fake issuer sees zero requests.
/// </summary>
public sealed class TokenStructureTests : IdentityTestBase
{
    private string Kid => Idp.DefaultKey.KeyId;

    private string Payload => Idp.DefaultPayloadJson();

    private SigningChoice RealKey => SigningChoice.With(Idp.DefaultKey, "RS256");

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("nOnE")]
    public async Task B01_alg_none_with_empty_signature_is_malformed(string alg)
    {
        var token = TestOidcIssuer.Forge($$"""{"alg":"{{alg}}","typ":"JWT"}""", Payload, SigningChoice.EmptySignature);
        Assert.EndsWith(".", token, StringComparison.Ordinal);
        await RejectsOfflineAsync(token, TokenRejectionReason.Malformed);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("HS512")]
    [InlineData("rs256")]
    [InlineData("EdDSA")]
    [InlineData("RSA-OAEP")]
    [InlineData("")]
    public async Task B01_alg_outside_the_asymmetric_safe_set_is_refused(string alg)
    {
        var token = TestOidcIssuer.Forge($$"""{"alg":"{{alg}}","kid":"{{Kid}}"}""", Payload, RealKey);
        await RejectsOfflineAsync(token, TokenRejectionReason.UnsupportedAlgorithm);
    }

    [Theory]
    [InlineData("""{"alg":256,"kid":"k"}""")]
    [InlineData("""{"alg":null,"kid":"k"}""")]
    [InlineData("""{"alg":["RS256"],"kid":"k"}""")]
    public async Task Non_string_alg_is_refused(string header)
    {
        await RejectsOfflineAsync(TestOidcIssuer.Forge(header, Payload, RealKey), TokenRejectionReason.UnsupportedAlgorithm);
    }

    [Fact]
    public async Task Missing_alg_is_malformed()
    {
        await RejectsOfflineAsync(TestOidcIssuer.Forge($$"""{"kid":"{{Kid}}"}""", Payload, RealKey), TokenRejectionReason.Malformed);
    }

    public static TheoryData<string, string> ConfusionSecrets => new()
    {
        { "PEM SPKI", "HS256" },
        { "PEM PKCS1", "HS256" },
        { "DER", "HS256" },
        { "JWK JSON", "HS256" },
        { "modulus", "HS256" },
        { "PEM SPKI", "HS384" },
        { "DER", "HS512" },
    };

    [Theory]
    [MemberData(nameof(ConfusionSecrets))]
    public async Task B02_B03_HMAC_keyed_with_the_issuer_public_key_is_refused(string secretKind, string alg)
    {
        var key = Idp.DefaultKey;
        var secret = secretKind switch
        {
            "PEM SPKI" => key.PublicKeyPem,
            "PEM PKCS1" => key.RsaPublicKeyPkcs1Pem,
            "DER" => key.PublicKeyDer,
            "JWK JSON" => key.PublicJwkJson,
            _ => key.Modulus,
        };
        var token = TestOidcIssuer.Forge($$"""{"alg":"{{alg}}","kid":"{{Kid}}","typ":"JWT"}""", Payload, SigningChoice.Hmac(secret, alg));
        await RejectsOfflineAsync(token, TokenRejectionReason.UnsupportedAlgorithm);
    }

    [Theory]
    [InlineData("../../../../etc/passwd", TokenRejectionReason.UnknownKey)]
    [InlineData("key-1/../key-1", TokenRejectionReason.UnknownKey)]
    [InlineData("' OR 1=1--", TokenRejectionReason.Malformed)]
    [InlineData("k\u0000", TokenRejectionReason.Malformed)]
    [InlineData("k\r\nINFO forged log line", TokenRejectionReason.Malformed)]
    [InlineData("k\u001b[31m", TokenRejectionReason.Malformed)]
    [InlineData("k\u00e9", TokenRejectionReason.Malformed)]
    [InlineData("", TokenRejectionReason.Malformed)]
    public async Task B08_kid_injection_is_refused_and_never_logged(string kid, TokenRejectionReason reason)
    {
        await WarmAsync();
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = kid }.ToJsonString();
        var rejected = await Harness.RejectsAsync(TestOidcIssuer.Forge(header, Payload, RealKey), reason);

        Assert.Equal(0, Idp.TotalRequests); // The cache was fetched moments ago: the kid miss is rate-limited.
        if (kid.Length > 0)
        {
            Assert.DoesNotContain(kid, rejected.Message, StringComparison.Ordinal);
            Assert.All(Harness.ValidatorLog.Lines.Concat(Harness.CacheLog.Lines), line => Assert.DoesNotContain(kid, line, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(256, false)]
    [InlineData(257, true)]
    [InlineData(10 * 1024, true)]
    public async Task B08_kid_length_is_capped_at_256(int length, bool malformed)
    {
        await WarmAsync();
        var token = TestOidcIssuer.Forge($$"""{"alg":"RS256","kid":"{{new string('k', length)}}"}""", Payload, RealKey);
        await Harness.RejectsAsync(token, malformed ? TokenRejectionReason.Malformed : TokenRejectionReason.UnknownKey);
    }

    [Fact]
    public async Task Non_string_kid_is_malformed()
    {
        await RejectsOfflineAsync(TestOidcIssuer.Forge("""{"alg":"RS256","kid":1}""", Payload, RealKey), TokenRejectionReason.Malformed);
    }

    [Theory]
    [InlineData("jku")]
    [InlineData("x5u")]
    public async Task B09_jku_and_x5u_are_refused_and_never_fetched(string member)
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = Kid, [member] = canary.Url + "/jwks" }.ToJsonString();

        await RejectsOfflineAsync(TestOidcIssuer.Forge(header, Payload, RealKey), TokenRejectionReason.ForbiddenHeader);

        Assert.Equal(0, canary.Requests);
    }

    [Fact]
    public async Task B09_jku_pointing_at_the_metadata_address_is_refused_even_when_validly_signed()
    {
        var token = Idp.CreateToken(spec => spec.Header["jku"] = "http://169.254.169.254/latest/meta-data/");
        await RejectsOfflineAsync(token, TokenRejectionReason.ForbiddenHeader);
    }

    [Fact]
    public async Task B10_embedded_jwk_signed_by_the_attacker_is_refused()
    {
        using var attacker = TestSigningKey.CreateEc("attacker");
        var token = Idp.CreateToken(spec =>
        {
            spec.Key = attacker;
            spec.KeyId = "attacker";
            spec.Header["jwk"] = attacker.ToJwk();
        });
        await RejectsOfflineAsync(token, TokenRejectionReason.ForbiddenHeader);
    }

    [Fact]
    public async Task B10_x5c_certificate_chain_is_refused()
    {
        var token = Idp.CreateToken(spec => spec.Header["x5c"] = new JsonArray("MIIBIjANBgkq"));
        await RejectsOfflineAsync(token, TokenRejectionReason.ForbiddenHeader);
    }

    [Theory]
    [InlineData("crit", """["x-unknown"]""")]
    [InlineData("crit", "[]")]
    [InlineData("cty", "\"JWT\"")]
    [InlineData("cty", "\"jwt\"")]
    [InlineData("zip", "\"DEF\"")]
    [InlineData("b64", "false")]
    public async Task B11_B12_crit_cty_zip_and_b64_are_refused_even_when_validly_signed(string member, string json)
    {
        var token = Idp.CreateToken(spec =>
        {
            spec.Header[member] = JsonNode.Parse(json);
            spec.Header["x-unknown"] = 1;
        });
        await RejectsOfflineAsync(token, TokenRejectionReason.ForbiddenHeader);
    }

    [Theory]
    [InlineData("at+jwt")]
    [InlineData("application/at+jwt")]
    [InlineData("logout+jwt")]
    [InlineData("JWS")]
    [InlineData("")]
    public async Task B13_typ_other_than_JWT_is_refused(string type)
    {
        await RejectsOfflineAsync(Idp.CreateToken(spec => spec.Type = type), TokenRejectionReason.UnsupportedTokenType);
    }

    [Fact]
    public async Task B13_non_string_typ_is_refused()
    {
        var token = Idp.CreateToken(spec => spec.Header["typ"] = 1);
        await RejectsOfflineAsync(token, TokenRejectionReason.UnsupportedTokenType);
    }

    [Fact]
    public async Task B14_JWE_with_five_segments_is_refused_without_decoding()
    {
        var header = Base64UrlText.Encode("""{"alg":"RSA-OAEP","enc":"A256GCM","zip":"DEF"}""");
        var jwe = $"{header}.ZW5jcnlwdGVka2V5.aXY.Y2lwaGVydGV4dA.dGFn";
        await RejectsOfflineAsync(jwe, TokenRejectionReason.Malformed);
    }

    [Fact]
    public async Task B15_many_dots_are_refused_cheaply()
    {
        await RejectsOfflineAsync(new string('.', 100_000), TokenRejectionReason.TooLarge);

        var dots = new string('.', 10_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var pending = Harness.Validator.ValidateAsync(dots, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(pending.IsCompleted);
        var rejected = await Assert.ThrowsAsync<TokenRejectedException>(() => pending.AsTask());
        Assert.Equal(TokenRejectionReason.Malformed, rejected.Reason);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task B16_token_over_the_size_cap_is_refused_before_parsing()
    {
        var big = Idp.CreateToken(spec => spec.Claims["pad"] = new string('p', 17 * 1024));
        await RejectsOfflineAsync(big, TokenRejectionReason.TooLarge);
    }

    [Fact]
    public async Task B16_size_cap_boundary_is_inclusive()
    {
        await RejectsOfflineAsync(new string('a', 16 * 1024), TokenRejectionReason.Malformed);
        await RejectsOfflineAsync(new string('a', 16 * 1024 + 1), TokenRejectionReason.TooLarge);
    }

    [Theory]
    [InlineData("""{"alg":"none","alg":"RS256","kid":"key-1"}""")]
    [InlineData("""{"alg":"RS256","alg":"RS256","kid":"key-1"}""")]
    [InlineData("""{"alg":"RS256","\u0061lg":"RS256","kid":"key-1"}""")]
    [InlineData("""{"alg":"RS256","kid":"key-1","kid":"key-1"}""")]
    [InlineData("""{"alg":"RS256","kid":"key-1","x":{"a":1,"a":2}}""")]
    public async Task B17_duplicate_header_members_are_refused_even_when_validly_signed(string header)
    {
        await RejectsOfflineAsync(TestOidcIssuer.Forge(header, Payload, RealKey), TokenRejectionReason.DuplicateMember);
    }

    [Theory]
    [InlineData("\"sub\":\"repo:org/victim:ref:refs/heads/main\",\"sub\":\"repo:org/attacker:ref:refs/heads/main\"")]
    [InlineData("\"sub\":\"a\",\"s\\u0075b\":\"b\"")]
    [InlineData("\"sub\":\"a\",\"ctx\":{\"env\":\"dev\",\"env\":\"prod\"}")]
    [InlineData("\"sub\":\"a\",\"list\":[{\"k\":1},{\"k\":1,\"k\":2}]")]
    public async Task B18_duplicate_claims_at_any_depth_are_refused(string members)
    {
        var payload = PayloadWith(members);
        await RejectsOfflineAsync(TestOidcIssuer.Forge(Header(), payload, RealKey), TokenRejectionReason.DuplicateMember);
    }

    [Fact]
    public async Task Same_member_name_in_different_objects_is_not_a_duplicate()
    {
        var payload = PayloadWith("\"sub\":\"a\",\"x\":{\"sub\":\"b\",\"y\":{\"sub\":\"c\"}},\"l\":[{\"k\":1},{\"k\":2}]");
        var identity = await Harness.ValidateAsync(TestOidcIssuer.Forge(Header(), payload, RealKey));
        Assert.Equal("a", identity.Subject);
    }

    [Theory]
    [InlineData("xyz")]
    [InlineData(" ")]
    [InlineData("\n")]
    [InlineData("{}")]
    [InlineData("// comment")]
    public async Task B19_trailing_data_after_the_payload_is_refused(string trailer)
    {
        var token = TestOidcIssuer.Forge(Header(), Payload + trailer, RealKey);
        await RejectsOfflineAsync(token, TokenRejectionReason.Malformed);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\uFEFF")]
    public async Task Leading_whitespace_or_BOM_is_refused(string leader)
    {
        await RejectsOfflineAsync(TestOidcIssuer.Forge(Header(), leader + Payload, RealKey), TokenRejectionReason.Malformed);
        await RejectsOfflineAsync(TestOidcIssuer.Forge(leader + Header(), Payload, RealKey), TokenRejectionReason.Malformed);
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("\"repo:org/repo\"")]
    [InlineData("123")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"sub\":\"a\",}")]
    [InlineData("{\"sub\":'a'}")]
    [InlineData("{\"sub\":\"a\" /* c */}")]
    public async Task B20_payload_that_is_not_one_strict_JSON_object_is_refused(string payload)
    {
        await RejectsOfflineAsync(TestOidcIssuer.Forge(Header(), payload, RealKey), TokenRejectionReason.Malformed);
    }

    [Theory]
    [InlineData("[\"RS256\"]")]
    [InlineData("\"RS256\"")]
    public async Task Header_that_is_not_an_object_is_refused(string header)
    {
        await RejectsOfflineAsync(TestOidcIssuer.Forge(header, Payload, RealKey), TokenRejectionReason.Malformed);
    }

    [Fact]
    public async Task Payload_nested_deeper_than_16_is_refused_and_16_is_accepted()
    {
        string Nested(int arrays) => new string('[', arrays) + new string(']', arrays);

        await Harness.ValidateAsync(TestOidcIssuer.Forge(Header(), PayloadWith($"\"sub\":\"a\",\"deep\":{Nested(15)}"), RealKey));
        await Harness.RejectsAsync(TestOidcIssuer.Forge(Header(), PayloadWith($"\"sub\":\"a\",\"deep\":{Nested(16)}"), RealKey), TokenRejectionReason.Malformed);
        await Harness.RejectsAsync(TestOidcIssuer.Forge(Header(), PayloadWith($"\"sub\":\"a\",\"deep\":{Nested(100)}"), RealKey), TokenRejectionReason.Malformed);
    }

    [Fact]
    public async Task Invalid_UTF8_in_the_payload_is_refused()
    {
        var payloadBytes = Encoding.UTF8.GetBytes(PayloadWith("\"sub\":\"a\",\"x\":\"\u00e9\"")).ToList();
        var at = payloadBytes.IndexOf(0xC3);
        payloadBytes[at + 1] = 0x28; // C3 28 is not valid UTF-8.
        var signingInput = Base64UrlText.Encode(Header()) + "." + Base64UrlText.Encode(payloadBytes.ToArray());
        var signature = Idp.DefaultKey.Sign("RS256", Encoding.ASCII.GetBytes(signingInput));
        await RejectsOfflineAsync(signingInput + "." + Base64UrlText.Encode(signature), TokenRejectionReason.Malformed);
    }

    [Fact]
    public async Task Escaped_lone_surrogate_is_refused()
    {
        var payload = PayloadWith("\"sub\":\"a\",\"x\":\"\\ud800\"");
        await RejectsOfflineAsync(TestOidcIssuer.Forge(Header(), payload, RealKey), TokenRejectionReason.Malformed);
    }

    [Theory]
    [InlineData("plus")]
    [InlineData("slash")]
    [InlineData("padding")]
    [InlineData("leading space")]
    [InlineData("trailing newline")]
    [InlineData("inner newline")]
    [InlineData("inner space")]
    [InlineData("fullwidth")]
    public async Task B21_non_base64url_characters_and_whitespace_are_refused(string variant)
    {
        var token = Idp.CreateToken();
        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var mutated = variant switch
        {
            "plus" => token.Replace('-', '+').Replace('_', '+'),
            "slash" => "/" + token[1..],
            "padding" => token + "==",
            "leading space" => " " + token,
            "trailing newline" => token + "\n",
            "inner newline" => token.Insert(firstDot + 5, "\n"),
            "inner space" => token.Insert(firstDot, " "),
            _ => "\uFF45" + token[1..],
        };
        Assert.NotEqual(token, mutated);
        await RejectsOfflineAsync(mutated, TokenRejectionReason.Malformed);
    }

    [Fact]
    public async Task B21_non_canonical_signature_encoding_is_refused_so_a_token_has_one_spelling()
    {
        var token = Idp.CreateToken();
        var last = token[^1];
        // A 256-byte signature ends in a 2-character group whose last character carries 4 unused bits.
        Assert.Equal(2, token[(token.LastIndexOf('.') + 1)..].Length % 4);
        var respelled = token[..^1] + (char)(last + 1);
        await RejectsOfflineAsync(respelled, TokenRejectionReason.Malformed);
        await Harness.ValidateAsync(token);
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData(".eyJ9.c2ln")]
    [InlineData("eyJ9..c2ln")]
    [InlineData("nodots")]
    [InlineData("")]
    public async Task Wrong_segment_count_or_empty_segments_are_refused(string token)
    {
        await RejectsOfflineAsync(token, TokenRejectionReason.Malformed);
    }

    [Fact]
    public async Task B22_flipped_signature_byte_fails_verification()
    {
        var token = Idp.CreateToken();
        var dot = token.LastIndexOf('.');
        var signature = Convert.FromBase64String(ToStandardBase64(token[(dot + 1)..]));
        signature[^1] ^= 0x01;
        await Harness.RejectsAsync(token[..(dot + 1)] + Base64UrlText.Encode(signature), TokenRejectionReason.BadSignature);
    }

    [Fact]
    public async Task B22_modified_payload_with_the_original_signature_fails_verification()
    {
        var token = Idp.CreateToken(spec => spec.Subject = "repo:org/victim");
        var parts = token.Split('.');
        var forgedPayload = Encoding.UTF8.GetString(Convert.FromBase64String(ToStandardBase64(parts[1]))).Replace("victim", "attack", StringComparison.Ordinal);
        var forged = parts[0] + "." + Base64UrlText.Encode(forgedPayload) + "." + parts[2];
        await Harness.RejectsAsync(forged, TokenRejectionReason.BadSignature);
    }

    [Fact]
    public async Task Null_token_is_malformed()
    {
        await RejectsOfflineAsync(null!, TokenRejectionReason.Malformed);
    }

    private string Header() => $$"""{"alg":"RS256","kid":"{{Kid}}","typ":"JWT"}""";

    /// <summary>A payload with valid iss/aud/time claims plus the given raw members (which must include sub).</summary>
    private string PayloadWith(string members)
    {
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        return $$"""{"iss":"{{Idp.Iss}}","aud":"https://sts.example.com","iat":{{now}},"exp":{{now + 300}},{{members}}}""";
    }

    private static string ToStandardBase64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }

    private async Task RejectsOfflineAsync(string token, TokenRejectionReason reason)
    {
        await Harness.RejectsAsync(token, reason);
        Assert.Equal(0, Idp.TotalRequests);
    }
}
