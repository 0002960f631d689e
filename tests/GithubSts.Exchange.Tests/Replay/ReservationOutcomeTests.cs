using GithubSts.Exchange.Replay;
using GithubSts.Testing.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace GithubSts.Exchange.Tests.Replay;

/// <summary>
/// Issue 9 item 6: a reserve whose reply timed out may still be applied by Redis, so it must not consume the token. A
/// real redis-server behind a proxy that drops replies, delays commands or refuses connections.
/// </summary>
public sealed class ReservationOutcomeTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static readonly ReplayReleaserOptions FastReleaser = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        SettleDelay = TimeSpan.FromMilliseconds(1500),
    };

    private static async Task<string?> GetAsync(ConnectionMultiplexer direct, string key) =>
        await direct.GetDatabase().StringGetAsync(RedisReplayStore.KeyPrefix + key);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting: " + what);
            await Task.Delay(50);
        }
    }

    [RedisFact]
    public async Task A_SET_whose_reply_was_lost_is_applied_by_Redis_and_released_once_the_connection_recovers()
    {
        await using var server = await RedisServer.StartAsync();
        await using var proxy = RedisFaultProxy.Start(server);
        await using var direct = await server.ConnectDirectAsync();
        await using var store = RedisStores.Create(proxy.Address, commandTimeout: TimeSpan.FromMilliseconds(300));
        using var releaser = new ReplayReleaser(store, TimeProvider.System, NullLogger<ReplayReleaser>.Instance, FastReleaser);
        await releaser.StartAsync(default);
        var first = ReplayReservation.Create("lost-reply");
        Assert.True(await store.TryReserveAsync(ReplayReservation.Create("warm-up"), Minute, default));

        proxy.DropReplies = true;
        var failure = await Assert.ThrowsAsync<ReplayStoreUnavailableException>(() => store.TryReserveAsync(first, Minute, default).AsTask());
        Assert.True(failure.OutcomeUnknown);

        // The failure is real: Redis applied the SET although the client never heard back.
        Assert.Equal(first.Holder, await GetAsync(direct, first.Key));

        // The store stays unreachable for a while (the lost reply's connection is reset, new ones hang): the release
        // is retried, not dropped.
        proxy.Hang = true;
        proxy.DropReplies = false;
        Assert.True(releaser.Schedule(first, DateTimeOffset.UtcNow + Minute));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(first.Holder, await GetAsync(direct, first.Key));
        Assert.True(releaser.Pending > 0);

        proxy.Hang = false;
        await EventuallyAsync(async () => await GetAsync(direct, first.Key) is null, "the background release");
        Assert.True(await store.TryReserveAsync(ReplayReservation.Create("lost-reply"), Minute, default));
        await releaser.StopAsync(default);
    }

    [RedisFact]
    public async Task A_SET_that_reaches_Redis_after_the_client_gave_up_is_still_released()
    {
        await using var server = await RedisServer.StartAsync();
        await using var proxy = RedisFaultProxy.Start(server);
        await using var direct = await server.ConnectDirectAsync();
        var first = ReplayReservation.Create("late-set");

        // The late client: its connection delivers every command 800 ms late, its budget is 300 ms.
        proxy.RequestDelay = TimeSpan.FromMilliseconds(800);
        await using (var late = RedisStores.Create(proxy.Address, commandTimeout: TimeSpan.FromMilliseconds(300), connectTimeout: TimeSpan.FromSeconds(5)))
        {
            await RedisStores.WaitConnectedAsync(late, warmUp: false);
            var failure = await Assert.ThrowsAsync<ReplayStoreUnavailableException>(() => late.TryReserveAsync(first, Minute, default).AsTask());
            Assert.True(failure.OutcomeUnknown);
        }

        proxy.RequestDelay = TimeSpan.Zero;
        await using var store = RedisStores.Create(proxy.Address);
        using var releaser = new ReplayReleaser(store, TimeProvider.System, NullLogger<ReplayReleaser>.Instance, FastReleaser);
        await releaser.StartAsync(default);

        // The release overtakes the late SET (finds nothing), then the SET lands ...
        Assert.True(releaser.Schedule(first, DateTimeOffset.UtcNow + Minute));
        await EventuallyAsync(async () => await GetAsync(direct, first.Key) is not null, "the late SET to land");

        // ... and the settle re-check removes it.
        await EventuallyAsync(async () => await GetAsync(direct, first.Key) is null, "the settle re-check");
        Assert.True(await store.TryReserveAsync(ReplayReservation.Create("late-set"), Minute, default));
        await releaser.StopAsync(default);
    }

    [RedisFact]
    public async Task A_late_release_never_removes_a_reservation_made_by_another_exchange()
    {
        await using var server = await RedisServer.StartAsync();
        await using var store = RedisStores.Create(server.Address);
        var mine = ReplayReservation.Create("shared");
        var theirs = ReplayReservation.Create("shared");
        Assert.True(await store.TryReserveAsync(theirs, Minute, default));
        Assert.False(await store.TryReserveAsync(mine, Minute, default));
        Assert.Equal(ReplayReleaseResult.HeldByAnother, await store.ReleaseAsync(mine, default));
        Assert.False(await store.TryReserveAsync(ReplayReservation.Create("shared"), Minute, default));
        Assert.Equal(ReplayReleaseResult.Released, await store.ReleaseAsync(theirs, default));
        Assert.Equal(ReplayReleaseResult.Absent, await store.ReleaseAsync(theirs, default));
    }

    [Fact]
    public async Task The_memory_store_also_releases_only_for_the_holder()
    {
        var store = new MemoryReplayStore(TimeProvider.System);
        var mine = ReplayReservation.Create("shared");
        var theirs = ReplayReservation.Create("shared");
        Assert.True(await store.TryReserveAsync(theirs, Minute, default));
        Assert.Equal(ReplayReleaseResult.HeldByAnother, await store.ReleaseAsync(mine, default));
        Assert.False(await store.TryReserveAsync(mine, Minute, default));
        Assert.Equal(ReplayReleaseResult.Released, await store.ReleaseAsync(theirs, default));
        Assert.Equal(ReplayReleaseResult.Absent, await store.ReleaseAsync(theirs, default));
        Assert.True(await store.TryReserveAsync(mine, Minute, default));
    }
}
