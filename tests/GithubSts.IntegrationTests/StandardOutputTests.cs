using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;

namespace GithubSts.IntegrationTests;

/// <summary>
/// The executable's stdout under concurrent exchanges, as a log collector reads it: the audit trail and the JSON log
/// lines share fd 1, and every line must arrive whole (a log line split by an audit batch corrupts both records).
/// </summary>
public sealed class StandardOutputTests
{
    private const int Exchanges = 300;

    [Fact]
    public async Task Audit_and_json_log_lines_never_interleave_under_concurrent_exchanges()
    {
        await using var issuer = await TestOidcIssuer.StartAsync();
        await using var github = await GitHubSimulator.StartAsync();
        using var key = TestAppKey.Create();
        github.AddApp(StsTestHost.AppId, "github-sts-test", key.Key);
        github.AddInstallation(StsTestHost.AppId, StsTestHost.Org, "Organization", [StsTestHost.Repo], new Dictionary<string, string> { ["contents"] = "write" });
        github.SetFile(StsTestHost.Org, StsTestHost.Repo, ".github/sts/default/ci.sts.yaml", StsTestHost.Policy());
        await using var service = await ServiceExecutable.StartAsync(new Dictionary<string, string>
        {
            ["GITHUBSTS_STS_IDENTIFIER"] = StsTestHost.Identifier,
            ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = issuer.Iss,
            ["GITHUBSTS_GITHUB_APP_ID"] = StsTestHost.AppId.ToString(CultureInfo.InvariantCulture),
            ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = key.Pkcs8Pem,
            ["GITHUBSTS_GITHUB_API_URL"] = github.ApiUrl.ToString(),
            ["GITHUBSTS_LOGGING_FORMAT"] = "json",
            ["GITHUBSTS_POLICIES_DIRECTORY_CACHE_TTL_SECONDS"] = "60",
        });

        var tokens = Enumerable.Range(0, Exchanges).Select(_ => issuer.CreateToken()).ToList();
        var requestIds = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var http = new HttpClient { BaseAddress = service.PublicAddress, Timeout = TimeSpan.FromSeconds(30) };
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < Exchanges; i = Interlocked.Increment(ref next))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/sts/exchange?scope={StsTestHost.Org}/{StsTestHost.Repo}&identity=ci");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i]);
                using var response = await http.SendAsync(request);
                await response.AssertSuccessAsync();
                requestIds.Add(response.Headers.GetValues("X-Request-Id").Single());
            }
        })));

        // The audit writer and the logger drain their queues in the background.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline
            && (service.Output.Count(l => l.Contains("\"result\":\"success\"", StringComparison.Ordinal)) < Exchanges
                || service.Output.Count(l => l.Contains("Exchange succeeded", StringComparison.Ordinal)) < Exchanges))
        {
            await Task.Delay(100);
        }

        var lines = service.Output.ToList();
        var audited = new List<string>();
        var logged = 0;
        foreach (var line in lines)
        {
            JsonElement record;
            try
            {
                record = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException e)
            {
                Assert.Fail($"stdout line is not one JSON record ({e.Message}): {line}");
                throw;
            }

            Assert.Equal(JsonValueKind.Object, record.ValueKind);
            if (record.TryGetProperty("result", out var result))
            {
                Assert.Equal("success", result.GetString());
                audited.Add(record.GetProperty("request_id").GetString()!);
            }
            else if (record.GetProperty("EventId").GetInt32() == 1001
                && record.GetProperty("Category").GetString() == "GithubSts.Exchange.Pipeline.ExchangePipeline")
            {
                logged++;
            }
        }

        Assert.True(audited.Count == Exchanges, $"{audited.Count} audit lines; other lines: {string.Join('\n', lines.Where(l => !l.Contains("\"result\"", StringComparison.Ordinal)).Take(5))}");
        Assert.Equal(requestIds.Order(StringComparer.Ordinal), audited.Order(StringComparer.Ordinal));
        Assert.True(logged == Exchanges, $"{logged} exchange log lines: {string.Join('\n', lines.Where(l => l.Contains("Exchange succeeded", StringComparison.Ordinal)).Where(l => !requestIds.Any(id => l.Contains(id, StringComparison.Ordinal))))}");
    }
}
