using GithubSts.Exchange.GitHub;

namespace GithubSts.Exchange.Tests.GitHub;

public sealed class InstallationCacheTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Many_distinct_owners_never_grow_the_cache_past_its_capacity_I07()
    {
        var cache = new InstallationCache(capacity: 100);

        for (var i = 0; i < 10_000; i++)
        {
            cache.Set($"OWNER{i}", installationId: null, Now.AddSeconds(60 + i), Now);
        }

        Assert.InRange(cache.Count, 1, 100);
    }

    [Fact]
    public void Expired_entries_are_evicted_before_live_ones()
    {
        var cache = new InstallationCache(capacity: 2);
        cache.Set("LIVE", 1, Now.AddMinutes(10), Now);
        cache.Set("STALE", 2, Now.AddSeconds(1), Now);

        cache.Set("NEW", 3, Now.AddMinutes(10), Now.AddSeconds(2));

        Assert.True(cache.TryGet("LIVE", Now.AddSeconds(2), out var live));
        Assert.Equal(1, live);
        Assert.True(cache.TryGet("NEW", Now.AddSeconds(2), out _));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Removing_an_installation_forgets_every_owner_mapped_to_it()
    {
        var cache = new InstallationCache(capacity: 10);
        cache.Set("A", 7, Now.AddMinutes(1), Now);
        cache.Set("B", 7, Now.AddMinutes(1), Now);
        cache.Set("C", 8, Now.AddMinutes(1), Now);

        cache.RemoveInstallation(7);

        Assert.False(cache.TryGet("A", Now, out _));
        Assert.False(cache.TryGet("B", Now, out _));
        Assert.True(cache.TryGet("C", Now, out _));
    }
}
