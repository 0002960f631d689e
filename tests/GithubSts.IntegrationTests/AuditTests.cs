using System.Text.Json;
using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Pipeline;
using GithubSts.IntegrationTests.Infrastructure;

namespace GithubSts.IntegrationTests;

/// <summary>The audit trail: one JSON line per attempt, success and denial, with the token's SHA-256 and never the token.</summary>
public sealed class AuditTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-audit").FullName;
    private StsTestHost _host = null!;

    private string AuditPath => Path.Combine(_directory, "audit.log");

    public async Task InitializeAsync() =>
        _host = await StsTestHost.StartAsync(services: s => s.AddGithubStsAudit(new AuditOptions { Stdout = false, FilePath = AuditPath }));

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
