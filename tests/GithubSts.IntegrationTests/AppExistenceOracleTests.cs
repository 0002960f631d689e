using System.Text;
using System.Text.Json;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 9 §7.1: without a valid token for this service, a known <c>app</c>, an unknown one and none at all must give
/// byte-for-byte the same answer (request id aside), so app names cannot be enumerated; and nothing reaches GitHub.
/// </summary>
public sealed class AppExistenceOracleTests(AppExistenceOracleTests.Fixture fixture) : IClassFixture<AppExistenceOracleTests.Fixture>
{
    private readonly StsTestHost _host = fixture.Host.StartTest();

    /// <summary>The configured app (environment variables name it <c>default</c>), an unknown one, and no <c>app</c>.</summary>
    private static readonly string?[] Apps = [null, "default", "no-such-app", "Default", "default-", "a"];

    public static TheoryData<string> InvalidTokens => new()
    {
        "not a JWT",
        "three garbage segments",
        "bad signature",
        "alg none",
        "expired",
        "not yet valid",
        "issuer not allowed",
        "unknown kid",
        "audience of another relying party",
        "no audience",
    };

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task Sts_exchange_answers_alike_for_known_unknown_and_absent_apps(string kind)
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        var token = Create(kind, canary.Url);
        var answers = new List<Answer>();
        foreach (var app in Apps)
        {
            using var response = await _host.ExchangeAsync(token, identity: "oracle", app: app);
            answers.Add(await Answer.ReadAsync(response));
        }

        Assert.All(answers, a => Assert.Equal(401, a.Status));
        Assert.All(answers, a => Assert.Equal("invalid_token", a.Error));
        AssertAllEqual(answers);
        Assert.Equal(0, canary.Requests);
        _host.AssertNothingIssued();
    }

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task Json_token_endpoint_answers_alike_for_known_unknown_and_absent_apps(string kind)
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        var token = Create(kind, canary.Url);
        var answers = new List<Answer>();
        foreach (var app in Apps)
        {
            var body = app is null
                ? """{"scope":"octo-org/octo-repo","identity":"oracle"}"""
                : $$"""{"scope":"octo-org/octo-repo","identity":"oracle","app":"{{app}}"}""";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/token") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", token);
            using var response = await _host.Client.SendAsync(request);
            answers.Add(await Answer.ReadAsync(response));
        }

        Assert.All(answers, a => Assert.Equal(401, a.Status));
        AssertAllEqual(answers);
        _host.AssertNothingIssued();
    }

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task Rfc8693_form_answers_alike_for_known_unknown_and_absent_apps(string kind)
    {
        await using var canary = await TestOidcIssuer.StartCanaryAsync();
        var token = Create(kind, canary.Url);
        var answers = new List<Answer>();
        foreach (var app in Apps)
        {
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
                ["subject_token"] = token,
                ["subject_token_type"] = "urn:ietf:params:oauth:token-type:id_token",
                ["scope"] = "octo-org/octo-repo",
                ["identity"] = "oracle",
            };
            if (app is not null)
            {
                form["app"] = app;
            }

            using var response = await _host.Client.PostAsync("/token", new FormUrlEncodedContent(form));
            answers.Add(await Answer.ReadAsync(response));
        }

        Assert.All(answers, a => Assert.Equal(400, a.Status));
        Assert.All(answers, a => Assert.Equal("invalid_request", a.Error));
        AssertAllEqual(answers);
        _host.AssertNothingIssued();
    }

    [Fact]
    public async Task Garbage_tokens_never_cause_a_GitHub_call_whatever_the_app()
    {
        var before = _host.GitHub.RequestCount;
        foreach (var app in Apps)
        {
            using var response = await _host.ExchangeAsync(Create("bad signature", "https://unused.example"), identity: "oracle", app: app);
            await response.AssertErrorAsync(401, "invalid_token");
        }

        Assert.Equal(before, _host.GitHub.RequestCount);
    }

    /// <summary>The control: a valid token for this service may learn that an app does not exist (a useful error).</summary>
    [Fact]
    public async Task With_a_valid_token_an_unknown_app_is_named_as_such()
    {
        using var unknown = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "oracle", app: "no-such-app");
        await unknown.AssertErrorAsync(400, "invalid_target");
        using var known = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "oracle", app: "default");
        await known.AssertErrorAsync(403, "access_denied");
        _host.AssertNothingIssued();
    }

    private static void AssertAllEqual(List<Answer> answers)
    {
        foreach (var answer in answers)
        {
            Assert.Equal(answers[0], answer);
        }
    }

    private string Create(string kind, string canaryUrl)
    {
        var issuer = _host.Issuer;
        var now = DateTimeOffset.UtcNow;
        return kind switch
        {
            "not a JWT" => "not-a-jwt",
            "three garbage segments" => "aaaa.bbbb.cccc",
            "bad signature" => issuer.CreateToken()[..^4] + "AAAA",
            "alg none" => TestOidcIssuer.Forge("""{"alg":"none","typ":"JWT"}""", issuer.DefaultPayloadJson(), SigningChoice.EmptySignature),
            "expired" => issuer.CreateToken(t => { t.IssuedAt = t.NotBefore = now.AddMinutes(-30); t.ExpiresAt = now.AddMinutes(-10); }),
            "not yet valid" => issuer.CreateToken(t => { t.NotBefore = now.AddMinutes(10); t.ExpiresAt = now.AddMinutes(20); }),
            "issuer not allowed" => issuer.CreateToken(t => t.Issuer = canaryUrl),
            "unknown kid" => issuer.CreateToken(t => t.KeyId = "no-such-key"),
            "audience of another relying party" => issuer.CreateToken(t => t.Audience = "sts.amazonaws.com"),
            "no audience" => issuer.CreateToken(t => t.Omit.Add("aud")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind),
        };
    }

    /// <summary>Everything a caller sees, except the per-request id.</summary>
    private sealed record Answer(int Status, string? Error, string Description, string Members, string Headers)
    {
        public static async Task<Answer> ReadAsync(HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var members = string.Join(",", root.EnumerateObject().Select(p => p.Name));
            var headers = string.Join(
                "\n",
                response.Headers.Concat(response.Content.Headers)
                    .Where(h => !h.Key.Equals("X-Request-Id", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Date", StringComparison.OrdinalIgnoreCase))
                    .Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                    .Select(h => h.Key + ": " + string.Join(",", h.Value)));
            return new Answer(
                (int)response.StatusCode,
                root.GetProperty("error").GetString(),
                root.GetProperty("error_description").GetString() ?? string.Empty,
                members,
                headers);
        }
    }

    /// <summary>A host of its own: the tests count GitHub requests and must not see other classes' traffic.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public StsTestHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await StsTestHost.StartAsync();

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
