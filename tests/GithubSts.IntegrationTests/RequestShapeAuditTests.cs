using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GithubSts.Exchange.Audit;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>The service with its audit trail in a file, shared by the tests of <see cref="RequestShapeAuditTests"/>.</summary>
public sealed class AuditedHostFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-request-audit").FullName;

    public StsTestHost Host { get; private set; } = null!;

    public string AuditPath => Path.Combine(_directory, "audit.log");

    public async Task InitializeAsync() =>
        Host = await StsTestHost.StartAsync(services: s => s.AddGithubStsAudit(new AuditOptions { Stdout = false, FilePath = AuditPath }));

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>
/// Issue 10: a request refused while its query or body is read (content type, JSON, form, RFC 8693 parameters, size)
/// is audited and counted in <c>githubsts_token_exchanges_total</c> like every other refusal, and nothing is minted.
/// Each request carries a valid token for an identity with a matching policy: only its shape is wrong.
/// </summary>
public sealed class RequestShapeAuditTests(AuditedHostFixture fixture) : IClassFixture<AuditedHostFixture>
{
    private const string GrantType = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string IdTokenType = "urn:ietf:params:oauth:token-type:id_token";
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";
    private const string Target = "scope=octo-org%2Focto-repo&identity=ci";
    private readonly StsTestHost _host = fixture.Host.StartTest();

    /// <summary>name, path, content type (null: no body), body ({token}: a valid token), status, error, reason, audited endpoint.</summary>
    public static TheoryData<string, string, string?, string, int, string, string, string> Refusals => new()
    {
        { "JSON unknown member", "/token", Json, """{"scope":"octo-org/octo-repo","identity":"ci","permissions":"admin"}""", 400, "invalid_request", "malformed_json", "token_json" },
        { "JSON duplicate member", "/sts/exchange", Json, """{"scope":"octo-org/octo-repo","scope":"octo-org/other-repo","identity":"ci"}""", 400, "invalid_request", "duplicate_parameter", "sts_exchange" },
        { "JSON not an object", "/token", Json, "[]", 400, "invalid_request", "malformed_json", "token_json" },
        { "JSON body over the cap", "/token", Json, "{\"scope\":\"" + new string('a', 65 * 1024) + "\"}", 413, "invalid_request", "body_too_large", "token_json" },
        { "wrong content type on /token", "/token", "text/plain", Target, 400, "invalid_request", "unsupported_content_type", "token_json" },
        { "wrong content type on /sts/exchange", "/sts/exchange", "text/plain", Target, 400, "invalid_request", "unsupported_content_type", "sts_exchange" },
        { "query parameter twice", "/sts/exchange?" + Target + "&identity=cd", null, string.Empty, 400, "invalid_request", "duplicate_parameter", "sts_exchange" },
        { "form over the value count limit", "/token", Form, string.Join('&', Enumerable.Range(0, 40).Select(i => $"x{i}=1")), 400, "invalid_request", "malformed_form", "token_exchange" },
        { "form body on /sts/exchange over the limit", "/sts/exchange", Form, string.Join('&', Enumerable.Range(0, 40).Select(i => $"x{i}=1")), 400, "invalid_request", "malformed_form", "sts_exchange" },
        { "RFC 8693 missing grant_type", "/token", Form, $"subject_token={{token}}&subject_token_type={IdTokenType}&{Target}", 400, "invalid_request", "missing_grant_type", "token_exchange" },
        { "RFC 8693 wrong grant_type", "/token", Form, $"grant_type=client_credentials&subject_token={{token}}&subject_token_type={IdTokenType}&{Target}", 400, "unsupported_grant_type", "unsupported_grant_type", "token_exchange" },
        { "RFC 8693 wrong subject_token_type", "/token", Form, $"grant_type={GrantType}&subject_token={{token}}&subject_token_type=urn:ietf:params:oauth:token-type:saml2&{Target}", 400, "invalid_request", "invalid_subject_token_type", "token_exchange" },
        { "RFC 8693 subject_token twice", "/token", Form, $"grant_type={GrantType}&subject_token={{token}}&subject_token={{token}}&subject_token_type={IdTokenType}&{Target}", 400, "invalid_request", "duplicate_parameter", "token_exchange" },
        { "RFC 8693 actor token", "/token", Form, $"grant_type={GrantType}&subject_token={{token}}&subject_token_type={IdTokenType}&actor_token=x&{Target}", 400, "invalid_request", "delegation_not_supported", "token_exchange" },
        { "RFC 8693 resource parameter", "/token", Form, $"grant_type={GrantType}&subject_token={{token}}&subject_token_type={IdTokenType}&resource=https://github.com/octo-org/other-repo&{Target}", 400, "invalid_target", "unsupported_target_parameter", "token_exchange" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_request_refused_while_it_is_read_is_audited_and_counted(
        string name, string path, string? contentType, string body, int status, string error, string reason, string endpoint)
    {
        Assert.NotEmpty(name);
        _host.SetPolicy("ci", StsTestHost.Policy());
        var result = error == "invalid_target" ? "invalid_target" : "invalid_request";
        var mints = _host.GitHub.Mints.Count;
        var before = await ExchangeCountAsync(result, reason);

        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Issuer.CreateToken());
        if (contentType is not null)
        {
            request.Content = new StringContent(body.Replace("{token}", _host.Issuer.CreateToken(), StringComparison.Ordinal), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await _host.Client.SendAsync(request);
        var answer = await response.AssertErrorAsync(status, error);
        var requestId = answer.GetProperty("request_id").GetString()!;

        var line = await AuditLineAsync(requestId);
        Assert.Equal(result, line.GetProperty("result").GetString());
        Assert.Equal(reason, line.GetProperty("reason").GetString());
        Assert.Equal(endpoint, line.GetProperty("endpoint").GetString());
        Assert.Equal("127.0.0.1", line.GetProperty("client_address").GetString());
        Assert.False(line.TryGetProperty("token_sha256", out var hash) && hash.ValueKind != JsonValueKind.Null);

        Assert.Equal(before + 1, await ExchangeCountAsync(result, reason));
        Assert.Equal(mints, _host.GitHub.Mints.Count);
        _host.AssertNothingIssued();
    }

    /// <summary><c>githubsts_token_exchanges_total{reason,result}</c> from <c>/metrics</c> on the management listener.</summary>
    private async Task<long> ExchangeCountAsync(string result, string reason)
    {
        var text = await _host.ManagementClient.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var match = Regex.Match(
            text, $"^githubsts_token_exchanges_total\\{{reason=\"{Regex.Escape(reason)}\",result=\"{Regex.Escape(result)}\"\\}} ([0-9]+)$", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private async Task<JsonElement> AuditLineAsync(string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (File.Exists(fixture.AuditPath))
            {
                await using var stream = new FileStream(fixture.AuditPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                foreach (var text in (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var line = JsonDocument.Parse(text).RootElement;
                    if (line.GetProperty("request_id").GetString() == requestId)
                    {
                        return line.Clone();
                    }
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"no audit line for request {requestId}");
            await Task.Delay(50);
        }
    }
}
