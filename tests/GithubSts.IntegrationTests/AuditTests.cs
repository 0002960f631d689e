using System.Text.Json;
using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Pipeline;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;

namespace GithubSts.IntegrationTests;

/// <summary>The audit trail: one JSON line per attempt, success and denial, with the token's SHA-256 and never the token.</summary>
public sealed class AuditTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-audit").FullName;
    private StsTestHost _host = null!;

    private string AuditPath => Path.Combine(_directory, "audit.log");

    public async Task InitializeAsync() =>
        _host = await StsTestHost.StartAsync(
            env => env["GITHUBSTS_REPLAY_BACKEND"] = "memory",
            s => s.AddGithubStsAudit(new AuditOptions { Stdout = false, FilePath = AuditPath }));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Every_attempt_is_recorded_with_the_token_hash_and_never_a_token()
    {
        _host.SetPolicy("ci", StsTestHost.Policy());
        var jwt = _host.Issuer.CreateToken(t => t.Claims["jti"] = "audit-jti-1");
        using var granted = await _host.ExchangeAsync(jwt);
        var issued = (await granted.AssertSuccessAsync()).GetProperty("token").GetString()!;
        using var denied = await _host.ExchangeAsync(_host.Issuer.CreateToken(t => t.Subject = "repo:octo-org/other:ref:refs/heads/main"));
        await denied.AssertErrorAsync(403, "access_denied");
        using var malformed = await _host.ExchangeAsync("not-a-jwt");
        await malformed.AssertErrorAsync(401, "invalid_token");

        var lines = await WaitForLinesAsync(3);
        var success = lines.Single(l => l.GetProperty("result").GetString() == "success");
        Assert.Equal(TokenFingerprint.Sha256(issued), success.GetProperty("token_sha256").GetString());
        Assert.Equal("audit-jti-1", success.GetProperty("jti").GetString());
        Assert.Equal("repo:octo-org/octo-repo:ref:refs/heads/main", success.GetProperty("subject").GetString());
        Assert.Equal("octo-org/octo-repo", success.GetProperty("scope").GetString());
        Assert.StartsWith("repository:octo-org/octo-repo/", success.GetProperty("policy_source").GetString(), StringComparison.Ordinal);
        Assert.Equal(_host.InstallationId, success.GetProperty("installation_id").GetInt64());
        Assert.Equal("read", success.GetProperty("permissions").GetProperty("contents").GetString());
        Assert.Equal("127.0.0.1", success.GetProperty("client_address").GetString());

        Assert.Contains(lines, l => l.GetProperty("result").GetString() == "access_denied" && l.GetProperty("reason").GetString() == "policy_subject_mismatch");
        Assert.Contains(lines, l => l.GetProperty("result").GetString() == "invalid_token" && l.GetProperty("reason").GetString()!.StartsWith("token_", StringComparison.Ordinal));

        var text = await File.ReadAllTextAsync(AuditPath);
        Assert.DoesNotContain(issued, text, StringComparison.Ordinal);
        Assert.DoesNotContain(jwt, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_result_is_the_metric_result_label_for_a_replay_and_a_github_error()
    {
        _host.SetPolicy("audit-metrics", StsTestHost.Policy());
        var jwt = _host.Issuer.CreateToken();
        using (var first = await _host.ExchangeAsync(jwt, identity: "audit-metrics"))
        {
            await first.AssertSuccessAsync();
        }

        using (var replayed = await _host.ExchangeAsync(jwt, identity: "audit-metrics"))
        {
            await replayed.AssertErrorAsync(409, "token_replayed");
        }

        _host.GitHub.FailNext(GitHubEndpointKind.Mint, GitHubFault.Status(400));
        using (var failed = await _host.ExchangeAsync(_host.Issuer.CreateToken(), identity: "audit-metrics"))
        {
            Assert.Equal(502, (int)failed.StatusCode);
        }

        var lines = await WaitForLinesAsync(3);
        using var scrape = await _host.ManagementClient.GetAsync(new Uri("/metrics", UriKind.Relative));
        var metrics = await scrape.Content.ReadAsStringAsync();
        var audited = lines.Select(l => (Result: l.GetProperty("result").GetString()!, Reason: l.TryGetProperty("reason", out var r) ? r.GetString() : null)).ToList();
        Assert.Contains(("replayed", "token_replayed"), audited);
        Assert.Contains(audited, a => a.Result == "github_error");
        Assert.All(audited, a => Assert.Contains(
            $"githubsts_token_exchanges_total{{reason=\"{a.Reason ?? "none"}\",result=\"{a.Result}\"}} ",
            metrics,
            StringComparison.Ordinal));
    }

    private async Task<List<JsonElement>> WaitForLinesAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var lines = File.Exists(AuditPath) ? await ReadSharedAsync() : [];
            if (lines.Length >= count || DateTime.UtcNow > deadline)
            {
                return [.. lines.Select(l => JsonDocument.Parse(l).RootElement.Clone())];
            }

            await Task.Delay(50);
        }
    }

    private async Task<string[]> ReadSharedAsync()
    {
        await using var stream = new FileStream(AuditPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
