using System.Net.Http.Headers;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 9 §7.2: operational endpoints (/metrics, /healthz, /readyz) answer on the management listener only, and the
/// exchange endpoints only on the public one. A caller of the public listener cannot reach them by path spelling,
/// method or Host header; on the management listener nothing is minted.
/// </summary>
public sealed class ManagementListenerTests(StsHostFixture fixture) : IClassFixture<StsHostFixture>
{
    private readonly StsTestHost _host = fixture.Host;

    public static TheoryData<string, string> OperationalProbes()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[]
        {
            "/metrics", "/healthz", "/readyz", "/metrics/", "/healthz/", "/readyz/", "/METRICS", "/Healthz", "/READYZ",
            "/metrics?x", "/metrics?format=prometheus", "/readyz?", "/%6Detrics", "/./metrics", "/x/../metrics",
        })
        {
            foreach (var method in new[] { "GET", "HEAD", "POST", "OPTIONS", "DELETE" })
            {
                data.Add(method, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OperationalProbes))]
    public async Task Operational_endpoints_are_not_found_on_the_public_listener(string method, string path)
    {
        using var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertLikeAnUnknownPathAsync(response, method);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task A_Host_header_naming_the_management_listener_does_not_open_it(string path)
    {
        var management = _host.ManagementClient.BaseAddress!;
        foreach (var host in new[] { management.Authority, $"localhost:{management.Port}", $"[::1]:{management.Port}", $"LOCALHOST:{management.Port}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = host;
            request.Headers.TryAddWithoutValidation("X-Forwarded-Port", management.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", management.Authority);
            using var response = await _host.Client.SendAsync(request);
            await AssertLikeAnUnknownPathAsync(response, "GET");
        }
    }

    [Fact]
    public async Task Operational_endpoints_answer_on_the_management_listener()
    {
        using var health = await _host.ManagementClient.GetAsync("/healthz");
        Assert.Equal("ok", (await health.AssertSuccessAsync()).GetProperty("status").GetString());
        using var ready = await _host.ManagementClient.GetAsync("/readyz");
        Assert.Equal("ready", (await ready.AssertSuccessAsync()).GetProperty("status").GetString());
        using var metrics = await _host.ManagementClient.GetAsync("/metrics");
        Assert.Equal(200, (int)metrics.StatusCode);
        Assert.Contains("githubsts_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var head = await _host.ManagementClient.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/healthz"));
        Assert.Equal(200, (int)head.StatusCode);
        using var post = await _host.ManagementClient.PostAsync("/metrics", new StringContent(string.Empty));
        Assert.Equal(405, (int)post.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/sts/exchange?scope=octo-org/octo-repo&identity=mgmt")]
    [InlineData("POST", "/sts/exchange?scope=octo-org/octo-repo&identity=mgmt")]
    [InlineData("POST", "/token")]
    [InlineData("GET", "/token")]
    [InlineData("OPTIONS", "/token")]
    [InlineData("GET", "/STS/EXCHANGE?scope=octo-org/octo-repo&identity=mgmt")]
    public async Task The_exchange_is_not_found_on_the_management_listener(string method, string uri)
    {
        _host.StartTest();
        _host.SetPolicy("mgmt", StsTestHost.Policy());
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Issuer.CreateToken());
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
                ["subject_token"] = _host.Issuer.CreateToken(),
                ["subject_token_type"] = "urn:ietf:params:oauth:token-type:id_token",
                ["scope"] = "octo-org/octo-repo",
                ["identity"] = "mgmt",
            });
        }

        using var response = await _host.ManagementClient.SendAsync(request);
        await response.AssertErrorAsync(404, "not_found");
        _host.AssertNothingIssued();

        // The same token on the public listener works: the 404 was the listener, not the request.
        using var proof = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "mgmt");
        await proof.AssertSuccessAsync();
    }

    /// <summary>The 404 must not differ from a path that never existed (status, body, headers).</summary>
    private async Task AssertLikeAnUnknownPathAsync(HttpResponseMessage response, string method)
    {
        using var unknown = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/no-such-path"));
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal(WithoutRequestId(await unknown.Content.ReadAsStringAsync()), WithoutRequestId(await response.Content.ReadAsStringAsync()));
        Assert.Equal(
            unknown.Headers.Concat(unknown.Content.Headers).Select(h => h.Key).Where(k => k != "Date" && k != "X-Request-Id").Order(StringComparer.Ordinal),
            response.Headers.Concat(response.Content.Headers).Select(h => h.Key).Where(k => k != "Date" && k != "X-Request-Id").Order(StringComparer.Ordinal));
        Assert.Empty(response.Content.Headers.Allow);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    /// <summary>The body with its request id (different for every request) blanked; HEAD answers have no body.</summary>
    private static string WithoutRequestId(string body)
    {
        if (body.Length == 0)
        {
            return body;
        }

        var json = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        Assert.False(string.IsNullOrEmpty(json["request_id"]?.GetValue<string>()));
        json["request_id"] = "-";
        return json.ToJsonString();
    }
}
