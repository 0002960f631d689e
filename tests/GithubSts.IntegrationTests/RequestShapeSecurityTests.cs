using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>security.md §5.A: malformed requests are refused before any token check or GitHub call, and nothing is issued.</summary>
public sealed class RequestShapeSecurityTests(StsHostFixture fixture) : IClassFixture<StsHostFixture>
{
    private const string GrantType = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string IdTokenType = "urn:ietf:params:oauth:token-type:id_token";
    private readonly StsTestHost _host = fixture.Host.StartTest();

    [Fact]
    public async Task A01_wrong_method_on_token_is_405_with_allow()
    {
        using var response = await _host.Client.GetAsync("/token");
        await response.AssertErrorAsync(405, "invalid_request");
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
        _host.AssertNothingIssued();
    }

    [Theory]
    [InlineData("/token")]
    [InlineData("/sts/exchange")]
    public async Task A02_unsupported_content_type_is_refused(string path)
    {
        using var request = Bearer(HttpMethod.Post, path);
        request.Content = new StringContent("scope=octo-org/octo-repo&identity=ci", Encoding.UTF8, "text/plain");
        using var response = await _host.Client.SendAsync(request);
        await response.AssertErrorAsync(400, "invalid_request");
        _host.AssertNothingIssued();
    }

    public static TheoryData<string, string[]> MalformedTokenExchanges => new()
    {
        { "A03 missing grant_type", ["subject_token", "T", "subject_token_type", IdTokenType, "scope", "octo-org/octo-repo", "identity", "ci"] },
        { "A05 missing subject_token", ["grant_type", GrantType, "subject_token_type", IdTokenType, "scope", "octo-org/octo-repo", "identity", "ci"] },
        { "A06 saml2 token type", ["grant_type", GrantType, "subject_token", "T", "subject_token_type", "urn:ietf:params:oauth:token-type:saml2", "scope", "octo-org/octo-repo", "identity", "ci"] },
        { "A06 missing token type", ["grant_type", GrantType, "subject_token", "T", "scope", "octo-org/octo-repo", "identity", "ci"] },
        { "A06 foreign token type", ["grant_type", GrantType, "subject_token", "T", "subject_token_type", "urn:foo", "scope", "octo-org/octo-repo", "identity", "ci"] },
        { "A07 actor_token_type alone", ["grant_type", GrantType, "subject_token", "T", "subject_token_type", IdTokenType, "actor_token_type", IdTokenType, "scope", "octo-org/octo-repo", "identity", "ci"] },
        { "A07 actor_token alone", ["grant_type", GrantType, "subject_token", "T", "subject_token_type", IdTokenType, "actor_token", "x", "scope", "octo-org/octo-repo", "identity", "ci"] },
        { "A08 subject_token twice", ["grant_type", GrantType, "subject_token", "T", "subject_token", "T", "subject_token_type", IdTokenType, "scope", "octo-org/octo-repo", "identity", "ci"] },
        { "A08 scope twice", ["grant_type", GrantType, "subject_token", "T", "subject_token_type", IdTokenType, "scope", "octo-org/octo-repo", "scope", "octo-org/other-repo", "identity", "ci"] },
        { "A16 refresh token requested", ["grant_type", GrantType, "subject_token", "T", "subject_token_type", IdTokenType, "requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token", "scope", "octo-org/octo-repo", "identity", "ci"] },
        { "missing identity", ["grant_type", GrantType, "subject_token", "T", "subject_token_type", IdTokenType, "scope", "octo-org/octo-repo"] },
    };

    [Theory]
    [MemberData(nameof(MalformedTokenExchanges))]
    public async Task A03_to_A08_malformed_rfc8693_requests_are_invalid_request(string name, string[] pairs)
    {
        Assert.NotEmpty(name);
        _host.SetPolicy("ci", StsTestHost.Policy());
        using var response = await _host.Client.PostAsync("/token", Form(pairs));
        await response.AssertErrorAsync(400, "invalid_request");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A04_wrong_grant_type_is_unsupported_grant_type()
    {
        using var response = await _host.Client.PostAsync("/token", Form(
            ["grant_type", "client_credentials", "subject_token", _host.Issuer.CreateToken(), "subject_token_type", IdTokenType, "scope", "octo-org/octo-repo", "identity", "ci"]));
        await response.AssertErrorAsync(400, "unsupported_grant_type");
        _host.AssertNothingIssued();
    }

    [Theory]
    [InlineData("resource")]
    [InlineData("audience")]
    public async Task Resource_and_audience_targets_are_invalid_target(string parameter)
    {
        using var response = await _host.Client.PostAsync("/token", Form(
            ["grant_type", GrantType, "subject_token", _host.Issuer.CreateToken(), "subject_token_type", IdTokenType, "scope", "octo-org/octo-repo", "identity", "ci", parameter, "https://github.com/octo-org/other-repo"]));
        await response.AssertErrorAsync(400, "invalid_target");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A10_unknown_form_parameters_are_ignored_and_do_not_change_the_grant()
    {
        _host.SetPolicy("a10-form", StsTestHost.Policy());
        using var response = await _host.Client.PostAsync("/token", Form(
    ["grant_type", GrantType, "subject_token", _host.Issuer.CreateToken(), "subject_token_type", IdTokenType, "scope", "octo-org/octo-repo", "identity", "a10-form", "permission", "administration:write", "repository", "other-repo", "installation_id", "1"]));
        await response.AssertSuccessAsync();
        var mint = Assert.Single(_host.IssuedMints());
        Assert.Equal("""{"permissions":{"contents":"read"},"repositories":["octo-repo"]}""", ExchangeApiShapeTests.Canonical(mint.RequestJson));
    }

    [Fact]
    public async Task A10_narrowing_form_parameters_that_ask_for_more_are_refused()
    {
        // permissions and repositories are narrowing parameters (issue 11 §2): asking beyond the policy is refused.
        _host.SetPolicy("a10-narrow", StsTestHost.Policy());
        using var response = await _host.Client.PostAsync("/token", Form(
    ["grant_type", GrantType, "subject_token", _host.Issuer.CreateToken(), "subject_token_type", IdTokenType, "scope", "octo-org/octo-repo", "identity", "a10-narrow", "permissions", "administration:write", "repositories", "other-repo"]));
        await response.AssertErrorAsync(400, "invalid_scope");
        _host.AssertNothingIssued();
    }

    [Theory]
    [InlineData("""{"scope":"octo-org/octo-repo","scope":"octo-org/other-repo","identity":"ci"}""")]
    [InlineData("""{"scope":"octo-org/octo-repo","identity":"ci","permission":{"administration":"write"}}""")]
    [InlineData("""{"scope":"octo-org/octo-repo","identity":"ci","permissions":{"administration":"write"},"permissions":{"contents":"read"}}""")]
    [InlineData("""{"scope":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}""")]
    public async Task A09_A10_A11_ambiguous_json_is_refused(string json)
    {
        _host.SetPolicy("ci", StsTestHost.Policy());
        foreach (var path in new[] { "/token", "/sts/exchange" })
        {
            using var request = Bearer(HttpMethod.Post, path);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await _host.Client.SendAsync(request);
            await response.AssertErrorAsync(400, "invalid_request");
        }

        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A12_invalid_utf8_is_refused()
    {
        using var request = Bearer(HttpMethod.Post, "/token");
        request.Content = new ByteArrayContent([.. "{\"scope\":\"octo-org/octo-repo\",\"identity\":\"c"u8, 0xC3, 0x28, .. "\"}"u8]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _host.Client.SendAsync(request);
        await response.AssertErrorAsync(400, "invalid_request");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A13_body_over_the_cap_is_413()
    {
        using var request = Bearer(HttpMethod.Post, "/token");
        request.Content = new StringContent("{\"scope\":\"" + new string('a', 65 * 1024) + "\"}", Encoding.UTF8, "application/json");
        using var response = await _host.Client.SendAsync(request);
        await response.AssertErrorAsync(413, "invalid_request");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A14_oversized_headers_are_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?scope=octo-org/octo-repo&identity=ci");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('a', 40 * 1024));
        using var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        _host.AssertNothingIssued();
    }

    /// <summary>
    /// README (HTTP API): Kestrel answers a request it cannot parse (headers over 32 KiB: 431; a malformed request line:
    /// 400) itself, before any middleware runs, and ASP.NET Core offers no hook to add headers there. Such an answer is
    /// empty and closes the connection; it carries neither <c>Cache-Control</c> nor <c>X-Request-Id</c>.
    /// </summary>
    [Theory]
    [InlineData(431, "GET /sts/exchange?scope=octo-org/octo-repo&identity=ci HTTP/1.1\r\nHost: localhost\r\nX-Padding: {padding}\r\n\r\n")]
    [InlineData(400, "GET /sts/exchange HTTP/1.1 extra\r\nHost: localhost\r\n\r\n")]
    public async Task A14_protocol_errors_are_kestrels_own_empty_answers(int status, string request)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_host.Client.BaseAddress!.Host, _host.Client.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Replace("{padding}", new string('a', 40 * 1024), StringComparison.Ordinal)));

        // Kestrel closes the connection after the answer: read to the end.
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.CopyToAsync(received, timeout.Token);
        var text = Encoding.ASCII.GetString(received.ToArray());
        var head = text.Split("\r\n\r\n", 2);
        var lines = head[0].Split("\r\n");
        Assert.StartsWith($"HTTP/1.1 {status} ", lines[0], StringComparison.Ordinal);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("close", headers["Connection"]);
        Assert.Equal("0", headers["Content-Length"]);
        Assert.Equal(string.Empty, head[1]);
        Assert.False(headers.ContainsKey("Cache-Control"), "Kestrel now writes Cache-Control on its own answers: update README (HTTP API)");
        Assert.False(headers.ContainsKey("X-Request-Id"));
        Assert.False(headers.ContainsKey("Server"));
        _host.AssertNothingIssued();
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer a b")]
    [InlineData("Token abc")]
    public async Task A18_non_bearer_authorization_is_401(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?scope=octo-org/octo-repo&identity=ci");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        using var response = await _host.Client.SendAsync(request);
        await response.AssertErrorAsync(401, "invalid_token");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A18_two_authorization_headers_are_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?scope=octo-org/octo-repo&identity=ci");
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + _host.Issuer.CreateToken(), "Bearer " + _host.Issuer.CreateToken()]);
        using var response = await _host.Client.SendAsync(request);
        await response.AssertErrorAsync(401, "invalid_token");
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A18_the_bearer_scheme_is_case_insensitive()
    {
        _host.SetPolicy("lowercase-bearer", StsTestHost.Policy());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?scope=octo-org/octo-repo&identity=lowercase-bearer");
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + _host.Issuer.CreateToken());
        using var response = await _host.Client.SendAsync(request);
        await response.AssertSuccessAsync();
    }

    [Theory]
    [InlineData("/sts/exchange?identity=ci", "invalid_request")]
    [InlineData("/sts/exchange?scope=octo-org/octo-repo", "invalid_request")]
    [InlineData("/sts/exchange?scope=octo-org/octo-repo&scope=octo-org/other-repo&identity=ci", "invalid_request")]
    [InlineData("/sts/exchange?scope=octo-org/octo-repo&identity=ci&identity=cd", "invalid_request")]
    [InlineData("/sts/exchange?scope=octo-org/octo-repo&identity=ci&app=nope", "invalid_target")]
    [InlineData("/sts/exchange?scope=octo-org/octo-repo/x&identity=ci", "invalid_scope")]
    public async Task Missing_duplicate_or_unknown_parameters_are_400(string uri, string error)
    {
        using var response = await _host.Client.SendAsync(Bearer(HttpMethod.Get, uri));
        await response.AssertErrorAsync(400, error);
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task A17_every_response_carries_no_store()
    {
        foreach (var path in new[] { "/healthz", "/readyz", "/nope", "/sts/exchange" })
        {
            using var response = await _host.Client.GetAsync(path);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
    }

    private HttpRequestMessage Bearer(HttpMethod method, string uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Issuer.CreateToken());
        return request;
    }

    private static FormUrlEncodedContent Form(string[] pairs) =>
        new(Enumerable.Range(0, pairs.Length / 2).Select(i => new KeyValuePair<string, string>(pairs[2 * i], pairs[(2 * i) + 1])));
}
