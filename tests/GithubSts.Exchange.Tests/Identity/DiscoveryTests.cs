using GithubSts.Exchange.Identity;
using GithubSts.Testing.Oidc;

namespace GithubSts.Exchange.Tests.Identity;

/// <summary>security.md §5.D D04–D11, D14: the discovery document and JWKS are checked, bounded and never trusted blindly.</summary>
public sealed class DiscoveryTests : IdentityTestBase
{
    [Theory]
    [InlineData("https://accounts.google.com")]
    [InlineData("https://login.microsoftonline.com/{tenantid}/v2.0")]
    [InlineData("trailing-slash")]
    [InlineData("upper-case")]
    public async Task D04_D14_discovery_issuer_differing_from_iss_is_refused_and_not_cached(string declared)
    {
        Idp.DiscoveryIssuerOverride = declared switch
        {
            "trailing-slash" => Idp.Iss + "/",
            "upper-case" => Idp.Iss.ToUpperInvariant(),
            _ => declared,
        };

        await Harness.RejectsAsync(Idp.CreateToken(), TokenRejectionReason.DiscoveryInvalid);
        Assert.Equal(0, Idp.JwksRequests);

        // Retries are spaced out, then the corrected document is fetched afresh: nothing of the bad one was kept.
        await Harness.RejectsAsync(Idp.CreateToken(), TokenRejectionReason.DiscoveryInvalid);
        Assert.Equal(1, Idp.DiscoveryRequests);
        Idp.DiscoveryIssuerOverride = null;
        Time.Advance(TimeSpan.FromSeconds(31));
        await Harness.ValidateAsync(Idp.CreateToken());
        Assert.Equal(2, Idp.DiscoveryRequests);
    }

    [Theory]
    [InlineData("""{"jwks_uri":"JWKS"}""")]
    [InlineData("""{"issuer":7,"jwks_uri":"JWKS"}""")]
    [InlineData("""{"issuer":"ISS"}""")]
    [InlineData("""{"issuer":"ISS","jwks_uri":7}""")]
    [InlineData("""{"issuer":"ISS","jwks_uri":"JWKS","id_token_signing_alg_values_supported":["HS256","none"]}""")]
    [InlineData("""{"issuer":"ISS","jwks_uri":"JWKS","id_token_signing_alg_values_supported":"RS256"}""")]
    [InlineData("""{"issuer":"ISS","jwks_uri":"JWKS","id_token_signing_alg_values_supported":[]}""")]
    public async Task Discovery_document_breaking_a_rule_is_refused(string template)
    {
        Idp.DiscoveryFaults.Body = template.Replace("ISS", Idp.Iss, StringComparison.Ordinal).Replace("JWKS", Idp.JwksUri, StringComparison.Ordinal);
        await Harness.RejectsAsync(Idp.CreateToken(), TokenRejectionReason.DiscoveryInvalid);
        Assert.Equal(0, Idp.JwksRequests);
    }

    [Fact]
    public async Task D05_jwks_uri_on_another_port_is_refused_and_never_fetched()
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        Idp.JwksUriOverride = canary.Url + "/jwks";
        await Harness.RejectsAsync(Idp.CreateToken(), TokenRejectionReason.DiscoveryInvalid);
        Assert.Equal(0, canary.Requests);
    }

    [Theory]
    [InlineData("https://10.0.0.5/keys")]
    [InlineData("http://10.0.0.5/keys")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://evil.example/keys")]
    [InlineData("http://localhost:PORT/jwks")]
    [InlineData("JWKS?x=1")]
    [InlineData("JWKS#")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/jwks")]
    [InlineData("")]
    public async Task D05_jwks_uri_off_the_issuer_authority_or_unsafe_is_refused(string jwksUri)
    {
        Idp.JwksUriOverride = jwksUri
            .Replace("PORT", Idp.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("JWKS", Idp.JwksUri, StringComparison.Ordinal);
        await Harness.RejectsAsync(Idp.CreateToken(), TokenRejectionReason.DiscoveryInvalid);
        Assert.Equal(0, Idp.JwksRequests);
    }

    [Theory]
    [InlineData("https://www.googleapis.com/oauth2/v3/certs", true)]
    [InlineData("https://login.microsoftonline.com/common/discovery/keys", true)]
    [InlineData("https://accounts.google.com/keys", true)]
    [InlineData("http://www.googleapis.com/oauth2/v3/certs", false)]
    [InlineData("https://www.googleapis.com:8443/oauth2/v3/certs", false)]
    [InlineData("https://evil.googleapis.com/oauth2/v3/certs", false)]
    [InlineData("https://www.googleapis.com.evil.example/certs", false)]
    public void Jwks_host_may_be_the_issuer_host_or_an_operator_approved_https_host(string jwksUri, bool accepted)
    {
        const string issuer = "https://accounts.google.com";
        var body = System.Text.Encoding.UTF8.GetBytes($$"""{"issuer":"{{issuer}}","jwks_uri":"{{jwksUri}}"}""");
        var options = new OidcValidationOptions();
        if (accepted)
        {
            Assert.Equal(jwksUri, DiscoveryDocument.Read(body, issuer, explicitlyListed: true, options).JwksUri);
        }
        else
        {
            var failure = Assert.Throws<MetadataFetchException>(() => DiscoveryDocument.Read(body, issuer, explicitlyListed: true, options));
            Assert.True(failure.DiscoveryInvalid);
        }
    }

    [Fact]
    public void Approved_jwks_hosts_are_configurable()
    {
        var body = System.Text.Encoding.UTF8.GetBytes("""{"issuer":"https://accounts.google.com","jwks_uri":"https://www.googleapis.com/oauth2/v3/certs"}""");
        var options = new OidcValidationOptions { AdditionalJwksHosts = [] };
        Assert.Throws<MetadataFetchException>(() => DiscoveryDocument.Read(body, "https://accounts.google.com", true, options));
    }

    [Fact]
    public async Task D06_discovery_redirect_is_not_followed()
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        Idp.DiscoveryFaults.RedirectTo = canary.Url + "/.well-known/openid-configuration";
        await Harness.UnavailableAsync(Idp.CreateToken());
        Assert.Equal(0, canary.Requests);
        Assert.Equal(1, Idp.DiscoveryRequests);
    }

    [Fact]
    public async Task D06_JWKS_redirect_to_the_metadata_address_is_not_followed()
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        Idp.JwksFaults.RedirectTo = canary.Url + "/latest/meta-data";
        await Harness.UnavailableAsync(Idp.CreateToken());
        Assert.Equal(0, canary.Requests);
    }

    [Theory]
    [InlineData("discovery")]
    [InlineData("jwks")]
    public async Task D08_ten_megabyte_streamed_body_is_aborted_at_the_cap(string endpoint)
    {
        var faults = endpoint == "jwks" ? Idp.JwksFaults : Idp.DiscoveryFaults;
        faults.OversizedBodyBytes = 10 * 1024 * 1024;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Harness.UnavailableAsync(Idp.CreateToken());
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task D08_body_declaring_a_length_above_the_cap_is_refused()
    {
        Idp.JwksFaults.Body = "{\"keys\":[" + new string(' ', 101 * 1024) + "]}";
        await Harness.UnavailableAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task Body_just_under_the_cap_is_read()
    {
        var jwks = Idp.DefaultKey.ToJwk().ToJsonString();
        var padding = new string(' ', (100 * 1024) - jwks.Length - 20);
        Idp.JwksFaults.Body = "{\"keys\":[" + jwks + "]" + padding + "}";
        await Harness.ValidateAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task D09_slow_issuer_times_out_on_the_time_provider_budget()
    {
        Idp.DiscoveryFaults.Delay = TimeSpan.FromSeconds(30);
        var validation = Harness.ValidateAsync(Idp.CreateToken());
        await WaitUntilAsync(() => Idp.DiscoveryRequests == 1);
        Time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => validation.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task D09_slow_issuer_hits_the_wall_clock_backstop_and_does_not_block_other_issuers()
    {
        await using var healthy = await TestOidcIssuer.StartAsync(new TestOidcIssuerOptions { Time = Time });
        using var harness = ValidatorHarness.Create(Time, new OidcValidationOptions { AllowedIssuers = [Idp.Iss, healthy.Iss], HttpTimeout = TimeSpan.FromSeconds(1) });
        Idp.JwksFaults.Delay = TimeSpan.FromSeconds(30);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var slow = harness.ValidateAsync(Idp.CreateToken());
        await harness.ValidateAsync(healthy.CreateToken());
        Assert.False(slow.IsCompleted);
        await Assert.ThrowsAsync<IdentityProviderUnavailableException>(() => slow);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Theory]
    [InlineData("{\"keys\":[]}")]
    [InlineData("{}")]
    [InlineData("{\"keys\":{}}")]
    [InlineData("<html><body>Sign in</body></html>")]
    [InlineData("")]
    [InlineData("{\"keys\":[],\"keys\":[]}")]
    public async Task D10_empty_or_garbage_JWKS_is_a_fetch_failure(string body)
    {
        Idp.JwksFaults.Body = body;
        await Harness.UnavailableAsync(Idp.CreateToken());
    }

    [Fact]
    public async Task D10_empty_key_set_switch_is_a_fetch_failure()
    {
        Idp.EmptyKeySet = true;
        await Harness.UnavailableAsync(Idp.CreateToken());
    }

    [Theory]
    [InlineData("<!doctype html><title>404</title>")]
    [InlineData("[]")]
    [InlineData("{\"issuer\":")]
    public async Task Garbage_discovery_is_a_fetch_failure(string body)
    {
        Idp.DiscoveryFaults.Body = body;
        await Harness.UnavailableAsync(Idp.CreateToken());
        Assert.Equal(0, Idp.JwksRequests);
    }

    [Theory]
    [InlineData(500, "discovery")]
    [InlineData(404, "discovery")]
    [InlineData(503, "jwks")]
    [InlineData(401, "jwks")]
    [InlineData(204, "jwks")]
    [InlineData(304, "discovery")]
    public async Task D11_error_status_is_unavailable_and_the_body_never_leaks(int status, string endpoint)
    {
        (endpoint == "jwks" ? Idp.JwksFaults : Idp.DiscoveryFaults).StatusCode = status;

        var failure = await Harness.UnavailableAsync(Idp.CreateToken());

        Assert.DoesNotContain("SECRET123", failure.ToString(), StringComparison.Ordinal);
        Assert.All(Harness.CacheLog.Lines.Concat(Harness.ValidatorLog.Lines), line => Assert.DoesNotContain("SECRET123", line, StringComparison.Ordinal));
        Assert.Contains(Harness.CacheLog.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal));
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
