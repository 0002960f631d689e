using GithubSts.Exchange.Identity;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>security.md §5.D D01–D03: an issuer that is not trusted causes zero outbound requests.</summary>
public sealed class IssuerTrustTests : IdentityTestBase
{
    [Fact]
    public async Task D01_issuer_not_on_the_allow_list_is_refused_and_the_canary_sees_nothing()
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Issuer = canary.Url), TokenRejectionReason.IssuerNotAllowed);
        await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Issuer = "https://attacker.example"), TokenRejectionReason.IssuerNotAllowed);
        Assert.Equal(0, canary.Requests);
        Assert.Equal(0, Idp.TotalRequests);
    }

    [Fact]
    public async Task D01_with_any_issuer_allowed_a_loopback_http_issuer_is_still_refused()
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        using var open = ValidatorHarness.Create(Time, new OidcValidationOptions { AllowAnyIssuer = true });
        await open.RejectsAsync(Idp.CreateToken(spec => spec.Issuer = canary.Url), TokenRejectionReason.IssuerNotAllowed);
        await open.RejectsAsync(Idp.CreateToken(), TokenRejectionReason.IssuerNotAllowed);
        Assert.Equal(0, canary.Requests);
        Assert.Equal(0, Idp.TotalRequests);
    }

    /// <summary>Issue 9 §5.1: an empty list once meant "any issuer"; now it trusts none, not even a well-formed https one.</summary>
    [Fact]
    public async Task Without_a_list_and_without_allow_any_no_issuer_is_trusted()
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        using var closed = ValidatorHarness.Create(Time, new OidcValidationOptions());
        foreach (var issuer in new[] { "https://token.actions.githubusercontent.com", "https://attacker.example", Idp.Iss, canary.Url })
        {
            await closed.RejectsAsync(Idp.CreateToken(spec => spec.Issuer = issuer), TokenRejectionReason.IssuerNotAllowed);
        }

        Assert.Equal(0, canary.Requests);
        Assert.Equal(0, Idp.TotalRequests);
        Assert.Equal(0, closed.Cache.CachedIssuerCount);
    }

    [Fact]
    public async Task With_allow_any_a_listed_issuer_keeps_its_list_only_privileges()
    {
        using var open = ValidatorHarness.Create(Time, new OidcValidationOptions { AllowedIssuers = [Idp.Iss], AllowAnyIssuer = true });
        await open.ValidateAsync(Idp.CreateToken()); // Loopback http, allowed because it is listed.
        await open.RejectsAsync(Idp.CreateToken(spec => spec.Issuer = Idp.Iss + "/"), TokenRejectionReason.IssuerNotAllowed);
    }

    [Fact]
    public async Task D02_allow_listed_issuer_spelled_differently_is_refused_without_a_fetch()
    {
        var port = Idp.BaseAddress.Port;
        string[] variants =
        [
            Idp.Iss + "/",
            Idp.Iss.ToUpperInvariant(),
            Idp.Iss.Replace("http://", "HTTP://", StringComparison.Ordinal),
            $"http://localhost:{port}",
            $"http://[::1]:{port}",
            Idp.Iss + "/.",
            Idp.Iss + "#",
            Idp.Iss + "?",
            " " + Idp.Iss,
            Idp.Iss + "\u0000",
        ];
        foreach (var issuer in variants)
        {
            await Harness.RejectsAsync(Idp.CreateToken(spec => spec.Issuer = issuer), TokenRejectionReason.IssuerNotAllowed);
        }

        Assert.Equal(0, Idp.TotalRequests);
    }

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("https://user:pw@example.com")]
    [InlineData("https://example.com?q")]
    [InlineData("https://example.com#")]
    [InlineData("https://example.com/..")]
    [InlineData("https://example.com//x")]
    [InlineData("https://127.0.0.1")]
    [InlineData("https://2130706433")]
    [InlineData("https://[::ffff:127.0.0.1]")]
    [InlineData("https://169.254.169.254")]
    [InlineData("https://metadata.google.internal")]
    [InlineData("https://\u0435xample.com")]
    [InlineData("https://xn--e1afmkfd.xn--p1ai")]
    [InlineData("https://Example.com")]
    [InlineData("HTTPS://example.com")]
    public async Task D03_with_any_issuer_allowed_unsafe_issuer_urls_are_refused_before_any_request(string issuer)
    {
        using var open = ValidatorHarness.Create(Time, new OidcValidationOptions { AllowAnyIssuer = true });
        await open.RejectsAsync(Idp.CreateToken(spec => spec.Issuer = issuer), TokenRejectionReason.IssuerNotAllowed);
        Assert.Equal(0, open.Cache.CachedIssuerCount);
    }

    [Fact]
    public async Task D03_canary_port_spelled_as_any_loopback_form_gets_no_request()
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        using var open = ValidatorHarness.Create(Time, new OidcValidationOptions { AllowAnyIssuer = true });
        var port = canary.Address.Port;
        foreach (var issuer in new[] { canary.Url, $"http://localhost:{port}", $"https://127.0.0.1:{port}", $"https://2130706433:{port}", $"https://localhost:{port}" })
        {
            await open.RejectsAsync(Idp.CreateToken(spec => spec.Issuer = issuer), TokenRejectionReason.IssuerNotAllowed);
        }

        Assert.Equal(0, canary.Requests);
    }
}
