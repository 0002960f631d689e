using System.Text;
using System.Text.Json.Nodes;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.Oidc;

namespace GithubSts.IntegrationTests;

/// <summary>
/// security.md §5.B-§5.E through the HTTP API: each hostile token is refused with 401 <c>invalid_token</c>
/// and nothing is minted. The validator's unit tests cover the same rows in more depth.
/// </summary>
public sealed class TokenSecurityTests(StsHostFixture fixture) : IClassFixture<StsHostFixture>
{
    private readonly StsTestHost _host = fixture.Host.StartTest();

    public static TheoryData<string> HostileTokens => new()
    {
        "B01 alg none",
        "B01 alg None",
        "B02 HS256 keyed with the public key PEM",
        "B03 HS256 keyed with the public key DER",
        "B04 PS256 where the issuer uses RS256",
        "B06 unknown kid",
        "B08 kid injection",
        "B09 jku header",
        "B10 embedded jwk",
        "B11 crit header",
        "B12 cty JWT",
        "B13 typ at+jwt",
        "B14 JWE",
        "B15 many dots",
        "B16 oversize",
        "B17 duplicate header member",
        "B18 duplicate claim",
        "B19 trailing garbage",
        "B20 payload array",
        "B21 padded base64",
        "B22 bit flip",
        "C01 expired beyond skew",
        "C03 expired 4 minutes ago",
        "C04 no exp",
        "C05 exp as string",
        "C05 exp as float",
        "C06 nbf in the future",
        "C07 iat in the future",
        "C09 ten-year lifetime",
        "C10 exp before nbf",
        "E01 no aud",
        "E02 another relying party",
        "E03 trailing slash",
        "E04 upper case",
        "E06 numeric aud",
        "E06 empty aud array",
        "F02 subject with newline",
        "F03 subject with NUL",
        "F03 subject too long",
    };

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public async Task Hostile_tokens_are_refused_and_nothing_is_minted(string name)
    {
        _host.SetPolicy("hostile", StsTestHost.Policy());
        var mintsBefore = _host.GitHub.GetRequestCount(Testing.GitHub.GitHubEndpointKind.Mint);

        using var response = await _host.ExchangeAsync(Create(name), identity: "hostile");

        await response.AssertErrorAsync(401, "invalid_token");
        _host.AssertNothingIssued();

        // Token faults are found before any GitHub call (policy reads included); only the audience needs the policy.
        if (!name.StartsWith("E0", StringComparison.Ordinal))
        {
            Assert.Equal(mintsBefore, _host.GitHub.GetRequestCount(Testing.GitHub.GitHubEndpointKind.Mint));
        }
    }

    [Fact]
    public async Task C02_expiry_inside_the_skew_is_accepted()
    {
        _host.SetPolicy("skew", StsTestHost.Policy());
        var token = _host.Issuer.CreateToken(t =>
        {
            t.IssuedAt = t.NotBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
            t.ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-50);
        });
        using var response = await _host.ExchangeAsync(token, identity: "skew");
        await response.AssertSuccessAsync();
    }

    [Fact]
    public async Task D01_an_issuer_that_is_not_allowed_is_never_contacted()
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        var token = _host.Issuer.CreateToken(t => t.Issuer = canary.Url);
        using var response = await _host.ExchangeAsync(token);
        await response.AssertErrorAsync(401, "invalid_token");
        Assert.Equal(0, canary.Requests);
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task The_error_body_never_says_why_a_token_failed()
    {
        using var expired = await _host.ExchangeAsync(Create("C01 expired beyond skew"));
        using var badSignature = await _host.ExchangeAsync(Create("B22 bit flip"));
        Assert.Equal(
            (await expired.AssertErrorAsync(401, "invalid_token")).GetProperty("error_description").GetString(),
            (await badSignature.AssertErrorAsync(401, "invalid_token")).GetProperty("error_description").GetString());
    }

    private string Create(string name)
    {
        var issuer = _host.Issuer;
        var key = issuer.DefaultKey;
        var now = DateTimeOffset.UtcNow;
        var header = $$"""{"alg":"RS256","kid":"{{key.KeyId}}","typ":"JWT"}""";
        var payload = issuer.DefaultPayloadJson();
        string Forge(string h, string p) => TestOidcIssuer.Forge(h, p, SigningChoice.With(key));
        string WithClaims(Action<JwtSpec> configure) => issuer.CreateToken(configure);

        return name switch
        {
            "B01 alg none" => TestOidcIssuer.Forge("""{"alg":"none","typ":"JWT"}""", payload, SigningChoice.EmptySignature),
            "B01 alg None" => TestOidcIssuer.Forge("""{"alg":"None","typ":"JWT"}""", payload, SigningChoice.EmptySignature),
            "B02 HS256 keyed with the public key PEM" => TestOidcIssuer.Forge($$"""{"alg":"HS256","kid":"{{key.KeyId}}"}""", payload, SigningChoice.Hmac(key.PublicKeyPem)),
            "B03 HS256 keyed with the public key DER" => TestOidcIssuer.Forge($$"""{"alg":"HS256","kid":"{{key.KeyId}}"}""", payload, SigningChoice.Hmac(key.PublicKeyDer)),
            "B04 PS256 where the issuer uses RS256" => TestOidcIssuer.Forge($$"""{"alg":"PS256","kid":"{{key.KeyId}}"}""", payload, SigningChoice.With(key, "PS256")),
            "B06 unknown kid" => Forge("""{"alg":"RS256","kid":"evil"}""", payload),
            "B08 kid injection" => Forge("""{"alg":"RS256","kid":"../../etc/passwd\r\n' OR 1=1--"}""", payload),
            "B09 jku header" => Forge($$"""{"alg":"RS256","kid":"{{key.KeyId}}","jku":"http://169.254.169.254/"}""", payload),
            "B10 embedded jwk" => Forge($$"""{"alg":"RS256","kid":"{{key.KeyId}}","jwk":{{key.ToJwk().ToJsonString()}}}""", payload),
            "B11 crit header" => Forge($$"""{"alg":"RS256","kid":"{{key.KeyId}}","crit":["x-unknown"],"x-unknown":1}""", payload),
            "B12 cty JWT" => Forge($$"""{"alg":"RS256","kid":"{{key.KeyId}}","cty":"JWT"}""", payload),
            "B13 typ at+jwt" => Forge($$"""{"alg":"RS256","kid":"{{key.KeyId}}","typ":"at+jwt"}""", payload),
            "B14 JWE" => "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00iLCJ6aXAiOiJERUYifQ.a.b.c.d",
            "B15 many dots" => new string('.', 100_000)[..15_000],
            "B16 oversize" => WithClaims(t => t.Claims["padding"] = new string('x', 17 * 1024)),
            "B17 duplicate header member" => Forge($$"""{"alg":"none","alg":"RS256","kid":"{{key.KeyId}}"}""", payload),
            "B18 duplicate claim" => Forge(header, payload.Replace("{", "{\"sub\":\"repo:octo-org/victim:ref:refs/heads/main\",", StringComparison.Ordinal)),
            "B19 trailing garbage" => Forge(header, payload + "xyz"),
            "B20 payload array" => Forge(header, "[1,2,3]"),
            "B21 padded base64" => issuer.CreateToken().Replace(".", "=.", StringComparison.Ordinal),
            "B22 bit flip" => FlipLastSignatureCharacter(issuer.CreateToken()),
            "C01 expired beyond skew" => WithClaims(t => { t.IssuedAt = t.NotBefore = now.AddMinutes(-10); t.ExpiresAt = now.AddSeconds(-61); }),
            "C03 expired 4 minutes ago" => WithClaims(t => { t.IssuedAt = t.NotBefore = now.AddMinutes(-10); t.ExpiresAt = now.AddSeconds(-240); }),
            "C04 no exp" => WithClaims(t => t.Omit.Add("exp")),
            "C05 exp as string" => WithClaims(t => t.Claims["exp"] = now.AddMinutes(5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            "C05 exp as float" => WithClaims(t => t.Claims["exp"] = JsonValue.Create(now.AddMinutes(5).ToUnixTimeSeconds() + 0.5)),
            "C06 nbf in the future" => WithClaims(t => { t.NotBefore = now.AddSeconds(120); t.ExpiresAt = now.AddMinutes(10); }),
            "C07 iat in the future" => WithClaims(t => { t.IssuedAt = now.AddSeconds(120); t.NotBefore = null; t.ExpiresAt = now.AddMinutes(10); }),
            "C09 ten-year lifetime" => WithClaims(t => t.ExpiresAt = now.AddYears(10)),
            "C10 exp before nbf" => WithClaims(t => { t.NotBefore = now.AddSeconds(30); t.ExpiresAt = now.AddSeconds(20); }),
            "E01 no aud" => WithClaims(t => t.Omit.Add("aud")),
            "E02 another relying party" => WithClaims(t => t.Audience = "sts.amazonaws.com"),
            "E03 trailing slash" => WithClaims(t => t.Audience = StsTestHost.Identifier + "/"),
            "E04 upper case" => WithClaims(t => t.Audience = StsTestHost.Identifier.ToUpperInvariant()),
            "E06 numeric aud" => WithClaims(t => t.Audience = 123),
            "E06 empty aud array" => WithClaims(t => t.Audience = new JsonArray()),
            "F02 subject with newline" => WithClaims(t => t.Subject = "repo:octo-org/octo-repo:ref:refs/heads/main\n"),
            "F03 subject with NUL" => WithClaims(t => t.Subject = "repo:octo-org/octo-repo:ref:refs/heads/main\0"),
            "F03 subject too long" => WithClaims(t => t.Subject = new string('a', 256)),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name),
        };
    }

    private static string FlipLastSignatureCharacter(string token)
    {
        var builder = new StringBuilder(token);
        builder[^2] = builder[^2] == 'A' ? 'B' : 'A';
        return builder.ToString();
    }
}
