using System.Text.Json;
using GithubSts.Exchange.Audit;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;
using GithubSts.Testing.Redis;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 9 item 6 over real HTTP: single use cannot be bypassed by re-encoding a signature, a timed-out reservation
/// does not consume the token, and nothing minted is left undelivered, unrevoked and unaudited.
/// </summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-delivery").FullName;

    private string AuditPath => Path.Combine(_directory, "audit.log");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<StsTestHost> StartAsync(Action<Dictionary<string, string>>? configure = null)
    {
        var host = await StsTestHost.StartAsync(
            env =>
            {
                env["GITHUBSTS_REPLAY_BACKEND"] = "memory";
                configure?.Invoke(env);
            },
            services: s => s.AddGithubStsAudit(new AuditOptions { Stdout = false, FilePath = AuditPath }));
        host.SetPolicy("ci", StsTestHost.Policy());
        host.StartTest();
        return host;
    }

    private async Task<JsonElement> AuditLineAsync(Func<JsonElement, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (File.Exists(AuditPath))
            {
                await using var stream = new FileStream(AuditPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync() is { } line)
                {
                    var element = JsonDocument.Parse(line).RootElement.Clone();
                    if (match(element))
                    {
                        return element;
                    }
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "no matching audit line");
            await Task.Delay(100);
        }
    }

    private static async Task<string> MetricsAsync(StsTestHost host)
    {
        using var response = await host.ManagementClient.GetAsync(new Uri("/metrics", UriKind.Relative));
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_malleated_ES256_signature_is_a_replay_and_one_token_is_minted()
    {
        await using var host = await StartAsync();
        var key = host.Issuer.AddEcKey("ec-replay");
        foreach (var withJti in new[] { false, true })
        {
            host.StartTest();
            var token = host.Issuer.CreateToken(s =>
            {
                s.Key = key;
                if (withJti)
                {
                    s.TokenId = "malleable-" + Guid.NewGuid().ToString("N");
                }
                else
                {
                    s.Omit.Add("jti");
                }
            });
            using var first = await host.ExchangeAsync(token);
            await first.AssertSuccessAsync();
            using var twin = await host.ExchangeAsync(EcdsaMalleability.FlipS(token));
            await twin.AssertErrorAsync(409, "token_replayed");
            Assert.Single(host.IssuedMints());
        }
    }

    [Fact]
    public async Task A_client_that_disconnects_during_the_mint_gets_its_token_revoked_audited_and_counted_as_499()
    {
        await using var host = await StartAsync();

        // Warm the policy cache, so the only mint that follows is the exchange's own (policy reads mint too).
        using (var warm = await host.ExchangeAsync(host.Issuer.CreateToken()))
        {
            await warm.AssertSuccessAsync();
        }

        host.StartTest();
        host.GitHub.SetLatency(GitHubEndpointKind.Mint, TimeSpan.FromSeconds(2));
        var token = host.Issuer.CreateToken();
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(700)))
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?scope=octo-org%2Focto-repo&identity=ci");
            request.Headers.Authorization = new("Bearer", token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Client.SendAsync(request, cancel.Token));
        }

        var line = await AuditLineAsync(e => e.GetProperty("result").GetString() == "client_disconnected");
        Assert.Equal("not_delivered", line.GetProperty("reason").GetString());
        Assert.True(line.GetProperty("token_revoked").GetBoolean());

        // The simulator saw the mint and its revocation: nothing live is left.
        var fingerprint = line.GetProperty("token_sha256").GetString();
        var mint = Assert.Single(host.GitHub.Mints, m => Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(m.Token))) == fingerprint);
        Assert.True(host.GitHub.IsRevoked(mint.Token));
        host.AssertNothingIssued();

        var metrics = await MetricsAsync(host);
        Assert.Contains("code=\"499\",endpoint=\"/sts/exchange\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("code=\"500\"", metrics, StringComparison.Ordinal);

        // The token never reached anyone and was revoked: the caller may try again.
        host.GitHub.SetLatency(GitHubEndpointKind.Mint, TimeSpan.Zero);
        using var retry = await host.ExchangeAsync(token);
        await retry.AssertSuccessAsync();
        Assert.Single(host.IssuedMints());
    }

    [Fact]
    public async Task A_client_that_left_before_the_mint_started_gets_nothing_minted()
    {
        await using var host = await StartAsync();
        host.GitHub.SetLatency(GitHubEndpointKind.Installation, TimeSpan.FromSeconds(2));
        var mintsBefore = host.GitHub.Mints.Count;
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(700)))
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?scope=octo-org%2Focto-repo&identity=ci");
            request.Headers.Authorization = new("Bearer", host.Issuer.CreateToken());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Client.SendAsync(request, cancel.Token));
        }

        var line = await AuditLineAsync(e => e.GetProperty("result").GetString() == "client_disconnected");
        Assert.Equal("aborted_before_mint", line.GetProperty("reason").GetString());
        Assert.False(line.TryGetProperty("token_sha256", out _));
        // Only the policy read's own token was minted, and it was revoked after the read.
        host.AssertNothingIssued();
        Assert.All(host.GitHub.Mints.Skip(mintsBefore), m => Assert.True(host.GitHub.IsRevoked(m.Token)));
        Assert.DoesNotContain("code=\"500\"", await MetricsAsync(host), StringComparison.Ordinal);
    }

    [RedisFact]
    public async Task A_reservation_whose_SET_reply_timed_out_does_not_consume_the_token()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = RedisFaultProxy.Start(redis);
        await using var host = await StartAsync(env =>
        {
            env["GITHUBSTS_REPLAY_BACKEND"] = "redis";
            env["GITHUBSTS_REPLAY_REDIS_ADDRESS"] = proxy.Address;
        });
        var token = host.Issuer.CreateToken();

        proxy.DropReplies = true;
        using (var down = await host.ExchangeAsync(token))
        {
            await down.AssertErrorAsync(503, "temporarily_unavailable");
        }

        host.AssertNothingIssued();
        proxy.DropReplies = false;

        // Redis applied that SET; the background release removes it once Redis answers again.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var retry = await host.ExchangeAsync(token);
            if (retry.IsSuccessStatusCode)
            {
                break;
            }

            // 409 while the reservation stands; 503 while the client is still reconnecting
            // after the dropped replies (fail closed). Either way nothing is minted until success.
            Assert.Contains((int)retry.StatusCode, (int[])[409, 503]);
            Assert.True(DateTime.UtcNow < deadline, "the token stayed consumed");
            await Task.Delay(200);
        }

        Assert.Single(host.IssuedMints());
    }
}
