using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 11 §6: unknown routes answer a JSON 404 with the headers of every other error, and every error body carries
/// <c>code</c> and <c>detail</c> (the names Depthmark/github-sts-action reads) equal to <c>error</c> and
/// <c>error_description</c>.
/// </summary>
public sealed class FrontDoorTests(StsHostFixture fixture) : IClassFixture<StsHostFixture>
{
    private readonly StsTestHost _host = fixture.Host;

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/no-such-path")]
    [InlineData("POST", "/no-such-path")]
    [InlineData("GET", "/sts")]
    [InlineData("POST", "/sts/exchange/extra")]
    [InlineData("PUT", "/token/extra")]
    [InlineData("DELETE", "/.well-known/openid-configuration")]
    [InlineData("GET", "/favicon.ico")]
    [InlineData("POST", "/metrics")]
    public async Task Unknown_routes_answer_a_json_404_with_the_headers_of_other_errors(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await _host.Client.SendAsync(request);
        var body = await response.AssertErrorAsync(404, "not_found");
        Assert.Equal("no such endpoint", body.GetProperty("error_description").GetString());
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(body.GetProperty("request_id").GetString(), Assert.Single(response.Headers.GetValues("X-Request-Id")));

        // The hygiene headers of an ordinary error (a 401), header for header.
        using var unauthorized = await _host.Client.GetAsync(new Uri("/sts/exchange?scope=octo-org/octo-repo&identity=ci", UriKind.Relative));
        await unauthorized.AssertErrorAsync(401, "invalid_token");
        foreach (var name in new[] { "Cache-Control", "Pragma", "X-Content-Type-Options" })
        {
            Assert.Equal(unauthorized.Headers.GetValues(name), response.Headers.GetValues(name));
        }

        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task A_head_request_to_an_unknown_route_is_a_404_without_a_body()
    {
        using var response = await _host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/no-such-path"));
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Error_bodies_carry_code_and_detail_for_every_kind()
    {
        _host.StartTest();
        _host.SetPolicy("front-door", StsTestHost.Policy());
        var token = _host.Issuer.CreateToken();

        // 400 invalid_request: no identity.
        await AssertAliasedAsync(await Bearer(HttpMethod.Get, "/sts/exchange?scope=octo-org/octo-repo", token), 400, "invalid_request");

        // 400 invalid_scope.
        await AssertAliasedAsync(await Bearer(HttpMethod.Get, "/sts/exchange?scope=a/b/c&identity=front-door", token), 400, "invalid_scope");

        // 401 invalid_token.
        await AssertAliasedAsync(await Bearer(HttpMethod.Get, "/sts/exchange?scope=octo-org/octo-repo&identity=front-door", "not-a-jwt"), 401, "invalid_token");

        // 403 access_denied: no policy for this identity.
        await AssertAliasedAsync(await Bearer(HttpMethod.Get, "/sts/exchange?scope=octo-org/octo-repo&identity=nobody-here", token), 403, "access_denied");

        // 405 on /token.
        await AssertAliasedAsync(await _host.Client.GetAsync(new Uri("/token", UriKind.Relative)), 405, "invalid_request");

        // 413, written by the response hygiene middleware rather than an endpoint.
        using var large = new HttpRequestMessage(HttpMethod.Post, "/token")
        {
            Content = new StringContent("{\"scope\":\"" + new string('a', 65 * 1024) + "\"}", Encoding.UTF8, "application/json"),
        };
        large.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await AssertAliasedAsync(await _host.Client.SendAsync(large), 413, "invalid_request");

        // 400 unsupported_grant_type on the RFC 8693 form API.
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["scope"] = "octo-org/octo-repo" });
        await AssertAliasedAsync(await _host.Client.PostAsync(new Uri("/token", UriKind.Relative), form), 400, "unsupported_grant_type");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A_replayed_token_409_carries_code_and_detail()
    {
        await using var host = await StsTestHost.StartAsync(env => env["GITHUBSTS_REPLAY_BACKEND"] = "memory");
        host.SetPolicy("ci", StsTestHost.Policy());
        var token = host.Issuer.CreateToken();
        using var first = await host.ExchangeAsync(token);
        await first.AssertSuccessAsync();
        await AssertAliasedAsync(await host.ExchangeAsync(token), 409, "token_replayed");
    }

    private Task<HttpResponseMessage> Bearer(HttpMethod method, string uri, string token)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _host.Client.SendAsync(request);
    }

    private static async Task AssertAliasedAsync(HttpResponseMessage response, int status, string error)
    {
        using (response)
        {
            var body = await response.AssertErrorAsync(status, error);
            Assert.Equal(error, body.GetProperty("code").GetString());
            Assert.Equal(body.GetProperty("error_description").GetString(), body.GetProperty("detail").GetString());
            Assert.Equal(
                ["error", "error_description", "request_id", "code", "detail"],
                body.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.String, body.GetProperty("request_id").ValueKind);
        }
    }
}
