using GithubSts.Exchange.Replay;
using GithubSts.Testing;

namespace GithubSts.Exchange.Tests.Replay;

public sealed class MemoryReplayStoreTests
{
    [Fact]
    public async Task I02_fifty_parallel_reserves_exactly_one_wins()
    {
        var store = new MemoryReplayStore(TimeProvider.System);
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await store.TryReserveAsync(new("k", "h"), TimeSpan.FromMinutes(1), default);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task Release_frees_the_key_and_expiry_frees_it_too()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryReplayStore(time);
        Assert.True(await store.TryReserveAsync(new("k", "h"), TimeSpan.FromSeconds(10), default));
        Assert.False(await store.TryReserveAsync(new("k", "h"), TimeSpan.FromSeconds(10), default));
        await store.ReleaseAsync(new("k", "h"), default);
        Assert.True(await store.TryReserveAsync(new("k", "h"), TimeSpan.FromSeconds(10), default));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await store.TryReserveAsync(new("k", "h"), TimeSpan.FromSeconds(10), default));
    }

    [Fact]
    public async Task Bounded_expired_entries_are_evicted_first_and_a_full_store_fails_closed()
    {
        var time = new ManualTimeProvider();
        var store = new MemoryReplayStore(time, maxEntries: 3);
        Assert.True(await store.TryReserveAsync(new("a", "h"), TimeSpan.FromSeconds(1), default));
        Assert.True(await store.TryReserveAsync(new("b", "h"), TimeSpan.FromSeconds(100), default));
        Assert.True(await store.TryReserveAsync(new("c", "h"), TimeSpan.FromSeconds(100), default));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await store.TryReserveAsync(new("d", "h"), TimeSpan.FromSeconds(100), default));
        Assert.Equal(3, store.Count);
        await Assert.ThrowsAsync<ReplayStoreUnavailableException>(() => store.TryReserveAsync(new("e", "h"), TimeSpan.FromSeconds(100), default).AsTask());
        Assert.False(await store.TryReserveAsync(new("b", "h"), TimeSpan.FromSeconds(100), default));
    }
}
