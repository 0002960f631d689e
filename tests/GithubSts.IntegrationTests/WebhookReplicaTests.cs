using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.Redis;
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
