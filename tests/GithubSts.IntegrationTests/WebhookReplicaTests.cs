using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static GithubSts.IntegrationTests.Infrastructure.WebhookDeliveryClient;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Two replicas behind one Service, sharing Redis and one GitHub: a push delivered to one invalidates the other's
/// cached policy within about a second (the Redis stream), and a delivery replayed to the other replica is a duplicate.
/// </summary>
public sealed class WebhookReplicaTests
{
    private const string CiFile = ".github/sts/default/ci.sts.yaml";

    [RedisFact]
    public async Task A_push_delivered_to_one_replica_invalidates_the_other_replicas_cache()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = await StsTestHost.StartAsync(env => WithRedis(env, redis));
        await using var second = await StsTestHost.StartAsync((_, env) =>
        {
            WithRedis(env, redis);
            env["GITHUBSTS_GITHUB_API_URL"] = first.GitHub.ApiUrl.ToString();
            env["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = first.AppKey.Pkcs8Pem;
        });

        first.SetPolicy("ci", StsTestHost.Policy("contents: read"));
        Assert.Equal("read", await GrantedContentsAsync(first));
        Assert.Equal("read", await GrantedContentsAsync(second));
        first.SetPolicy("ci", StsTestHost.Policy("contents: write"));
        Assert.Equal("read", await GrantedContentsAsync(second)); // cached

        var delivery = NewDeliveryId();
        var payload = Push("refs/heads/main", Sha('a'), first.InstallationId, modified: [CiFile]);
        using (var push = await SendAsync(first.Client, "push", payload, delivery))
        {
            Assert.Equal("processed", await push.ResultAsync());
        }

        Assert.Equal("write", await GrantedContentsAsync(first));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await GrantedContentsAsync(second) != "write")
        {
            Assert.True(DateTime.UtcNow < deadline, "the other replica kept its cached policy");
            await Task.Delay(200);
        }

        var metrics = await second.ManagementClient.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("githubsts_policy_invalidations_total{origin=\"peer\"} 1", metrics, StringComparison.Ordinal);

        // The same delivery replayed to the other replica: remembered in Redis, so nothing happens there either.
        using var replayed = await SendAsync(second.Client, "push", payload, delivery);
        Assert.Equal("duplicate", await replayed.ResultAsync());
    }

    [RedisFact]
    public async Task An_ACL_user_without_the_stream_commands_is_told_once_and_exchanges_go_on()
    {
        await using var redis = await RedisServer.StartAsync(password: "admin", extraArguments:
        [
            "--user", "github-sts", "on", ">sts-password", "~githubsts:replay:*", "resetchannels", "-@all",
            "+set", "+eval", "+get", "+del", "+ping",
        ]);
        var log = new CapturingLoggerProvider();
        await using var host = await StsTestHost.StartAsync(
            env =>
            {
                WithRedis(env, redis);
                env["GITHUBSTS_REPLAY_REDIS_USERNAME"] = "github-sts";
                env["GITHUBSTS_REPLAY_REDIS_PASSWORD"] = "sts-password";
            },
            services => services.AddSingleton<ILoggerProvider>(log));
        host.SetPolicy("ci", StsTestHost.Policy());

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!log.Entries.Any(e => e.Message.Contains("add +xadd +xread", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the missing ACL commands were never reported");
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(log.Entries, e => e.Message.Contains("add +xadd +xread", StringComparison.Ordinal));
        Assert.Equal("read", await GrantedContentsAsync(host));
    }

    private static void WithRedis(Dictionary<string, string> env, RedisServer redis)
    {
        WithWebhookSecret(env);
        env["GITHUBSTS_REPLAY_BACKEND"] = "redis";
        env["GITHUBSTS_REPLAY_REDIS_ADDRESS"] = redis.Address;
        env["GITHUBSTS_REPLAY_REDIS_CONNECT_TIMEOUT_MS"] = "2000";
        env["GITHUBSTS_REPLAY_REDIS_COMMAND_TIMEOUT_MS"] = "2000";
    }

    private static async Task<string?> GrantedContentsAsync(StsTestHost host)
    {
        using var response = await host.ExchangeAsync(host.Issuer.CreateToken());
        var body = await response.AssertSuccessAsync();
        return body.GetProperty("permissions").GetProperty("contents").GetString();
    }
}
