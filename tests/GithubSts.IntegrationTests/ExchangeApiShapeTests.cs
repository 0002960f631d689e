using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>Every API shape succeeds with the same policy and records exactly the expected mint (security.md H01).</summary>
public sealed class ExchangeApiShapeTests(StsHostFixture fixture) : IClassFixture<StsHostFixture>
{
    private readonly StsTestHost _host = fixture.Host.StartTest();

    [Fact]
    public async Task Get_sts_exchange_returns_the_granted_token()
    {
        _host.SetPolicy("get-shape", StsTestHost.Policy("contents: read\n  issues: write"));

        using var response = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "get-shape");

        var body = await response.AssertSuccessAsync();
        var token = body.GetProperty("token").GetString();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal(mint.Token, token);
        Assert.Equal("""{"permissions":{"contents":"read","issues":"write"},"repositories":["octo-repo"]}""", Canonical(mint.RequestJson));
        Assert.Equal("octo-org/octo-repo", body.GetProperty("scope").GetString());
        Assert.Equal("get-shape", body.GetProperty("identity").GetString());
        Assert.Equal("default", body.GetProperty("app").GetString());
        Assert.Equal("read", body.GetProperty("permissions").GetProperty("contents").GetString());
        Assert.Equal(["octo-repo"], body.GetProperty("repositories").EnumerateArray().Select(r => r.GetString()));
        Assert.True(body.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("X-Request-Id").Single()));
    }

    [Fact]
    public async Task Post_sts_exchange_accepts_form_and_json_bodies()
    {
        _host.SetPolicy("post-shape", StsTestHost.Policy());

        using var form = Authorized(HttpMethod.Post, "/sts/exchange");
        form.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["scope"] = "octo-org/octo-repo", ["identity"] = "post-shape" });
        using var formResponse = await _host.Client.SendAsync(form);
        await formResponse.AssertSuccessAsync();

        using var json = Authorized(HttpMethod.Post, "/sts/exchange");
        json.Content = JsonContent.Create(new { scope = "octo-org/octo-repo", identity = "post-shape" });
        using var jsonResponse = await _host.Client.SendAsync(json);
        await jsonResponse.AssertSuccessAsync();

        using var query = Authorized(HttpMethod.Post, "/sts/exchange?scope=octo-org/octo-repo&identity=post-shape");
        using var queryResponse = await _host.Client.SendAsync(query);
        await queryResponse.AssertSuccessAsync();
    }

    [Fact]
    public async Task Post_token_with_json_is_the_sts_cat_shape()
    {
        _host.SetPolicy("sts-cat", StsTestHost.Policy());
        using var request = Authorized(HttpMethod.Post, "/token");
        request.Content = new StringContent("""{"scope":"octo-org/octo-repo","identity":"sts-cat"}""", Encoding.UTF8, "application/json");

        using var response = await _host.Client.SendAsync(request);

        var body = await response.AssertSuccessAsync();
        Assert.StartsWith("ghs_", body.GetProperty("token").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_token_with_a_form_is_an_rfc8693_exchange()
    {
        _host.SetPolicy("rfc8693", StsTestHost.Policy());
        using var response = await _host.Client.PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = _host.Issuer.CreateToken(),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:id_token",
            ["scope"] = "octo-org/octo-repo",
            ["identity"] = "rfc8693",
        }));

        var body = await response.AssertSuccessAsync();
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", body.GetProperty("issued_token_type").GetString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.InRange(body.GetProperty("expires_in").GetInt64(), 3000, 3600);
        Assert.Equal(Assert.Single(_host.IssuedMints()).Token, body.GetProperty("access_token").GetString());
        Assert.Equal("no-cache", response.Headers.Pragma.ToString());
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        using var health = await _host.ManagementClient.GetAsync("/healthz");
        Assert.Equal("ok", (await health.AssertSuccessAsync()).GetProperty("status").GetString());
        using var ready = await _host.ManagementClient.GetAsync("/readyz");
        Assert.Equal("ready", (await ready.AssertSuccessAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task L16_a_warm_exchange_makes_exactly_one_github_call_the_mint()
    {
        _host.SetPolicy("warm", StsTestHost.Policy());
        using (var cold = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "warm"))
        {
            await cold.AssertSuccessAsync();
        }

        _host.StartTest();
        var githubCalls = _host.GitHub.RequestCount;
        var issuerCalls = _host.Issuer.TotalRequests;
        for (var i = 0; i < 20; i++)
        {
            using var warm = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "warm");
            await warm.AssertSuccessAsync();
        }

        // No installation lookup, no policy read, no App-JWT-only call, no discovery or JWKS fetch: only the 20 mints.
        Assert.Equal(20, _host.GitHub.RequestCount - githubCalls);
        Assert.Equal(20, _host.IssuedMints().Count);
        Assert.Equal(issuerCalls, _host.Issuer.TotalRequests);
    }

    private HttpRequestMessage Authorized(HttpMethod method, string uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Issuer.CreateToken());
        return request;
    }

    internal static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement);
    }
}
