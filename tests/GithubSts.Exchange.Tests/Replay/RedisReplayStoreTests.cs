using System.Diagnostics;
using GithubSts.Exchange.Replay;
using GithubSts.Exchange.Replay.Redis;
using GithubSts.Testing.Redis;

namespace GithubSts.Exchange.Tests.Replay;

/// <summary>Against a real redis-server (security.md I02, I05, I06, L09).</summary>
public sealed class RedisReplayStoreTests
{
    private static RedisClient Client(RedisServer server, string? password = null, string? username = null) => new(new RedisClientOptions
    {
        Endpoint = new RedisEndpoint("127.0.0.1", server.Port),
        Password = password,
        Username = username,

        // The production defaults (250/500 ms) are about a healthy server; a loaded CI machine needs slack. The
        // fail-fast tests below rely on refused connections or set their own timeout.
        ConnectTimeout = TimeSpan.FromSeconds(3),
        CommandTimeout = TimeSpan.FromSeconds(3),
    });

    [RedisFact]
    public async Task Set_nx_px_reserves_once_and_del_releases()
    {
        await using var server = await RedisServer.StartAsync();
        using var store = new RedisReplayStore(Client(server));
        Assert.True(await store.TryReserveAsync(new("k", "h"), TimeSpan.FromMinutes(1), default));
        Assert.False(await store.TryReserveAsync(new("k", "h"), TimeSpan.FromMinutes(1), default));
        await store.ReleaseAsync(new("k", "h"), default);
        Assert.True(await store.TryReserveAsync(new("k", "h"), TimeSpan.FromMinutes(1), default));
    }

    [RedisFact]
    public async Task I05_the_entry_ttl_is_the_bounded_ttl()
    {
        await using var server = await RedisServer.StartAsync();
        using var client = Client(server);
        using var store = new RedisReplayStore(client);
        var now = DateTimeOffset.UtcNow;
        var ttl = ReplayKey.Ttl(new DateTimeOffset(3000, 1, 1, 0, 0, 0, TimeSpan.Zero), now, now, TimeSpan.FromHours(1), TimeSpan.FromSeconds(60));
        Assert.True(await store.TryReserveAsync(new("far", "h"), ttl, default));
        var pttl = Assert.IsType<long>(await client.ExecuteAsync(["PTTL", RedisReplayStore.KeyPrefix + "far"], default));
        Assert.InRange(pttl, 3_600_000L, 3_660_000L);
    }

    [RedisFact]
    public async Task I02_fifty_parallel_reserves_exactly_one_wins()
    {
        await using var server = await RedisServer.StartAsync();
        using var store = new RedisReplayStore(Client(server));
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => store.TryReserveAsync(new("p", "h"), TimeSpan.FromMinutes(1), default).AsTask()));
        Assert.Single(results, r => r);
    }

    [RedisFact]
    public async Task Auth_with_password_works_and_a_wrong_password_fails_closed()
    {
        await using var server = await RedisServer.StartAsync(password: "s3cret");
        using (var store = new RedisReplayStore(Client(server, "s3cret")))
        {
            Assert.True(await store.TryReserveAsync(new("a", "h"), TimeSpan.FromMinutes(1), default));
            using var ping = Client(server, "s3cret");
            Assert.Equal("PONG", await ping.ExecuteAsync(["PING"], default));
        }

        using (var store = new RedisReplayStore(Client(server, "s3cret", "default")))
        {
            Assert.False(await store.TryReserveAsync(new("a", "h"), TimeSpan.FromMinutes(1), default));
        }

        using (var wrong = new RedisReplayStore(Client(server, "nope")))
        {
            await Assert.ThrowsAsync<ReplayStoreUnavailableException>(() => wrong.TryReserveAsync(new("b", "h"), TimeSpan.FromMinutes(1), default).AsTask());
        }

        using var none = new RedisReplayStore(Client(server));
        await Assert.ThrowsAsync<ReplayStoreUnavailableException>(() => none.TryReserveAsync(new("b", "h"), TimeSpan.FromMinutes(1), default).AsTask());
    }

    [RedisFact]
    public async Task L09_a_killed_server_fails_closed_fast_and_the_client_reconnects()
    {
        await using var server = await RedisServer.StartAsync();
        using var store = new RedisReplayStore(Client(server));
        Assert.True(await store.TryReserveAsync(new("before", "h"), TimeSpan.FromMinutes(1), default));

        await server.KillAsync();
        for (var i = 0; i < 2; i++)
        {
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<ReplayStoreUnavailableException>(() => store.TryReserveAsync(new("during", "h"), TimeSpan.FromMinutes(1), default).AsTask());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        }

        await server.RestartAsync();
        Assert.True(await store.TryReserveAsync(new("after", "h"), TimeSpan.FromMinutes(1), default));
    }

    [Fact]
    public async Task I06_an_unresponsive_server_times_out_within_the_command_timeout()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new RedisClient(new RedisClientOptions
        {
            Endpoint = new RedisEndpoint("127.0.0.1", port),
            CommandTimeout = TimeSpan.FromMilliseconds(200),
        });
        using var store = new RedisReplayStore(client);
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<ReplayStoreUnavailableException>(() => store.TryReserveAsync(new("k", "h"), TimeSpan.FromMinutes(1), default).AsTask());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }
}
