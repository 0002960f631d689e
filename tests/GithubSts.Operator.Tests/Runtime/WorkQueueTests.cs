using GithubSts.Operator.Runtime;
using GithubSts.Testing;

namespace GithubSts.Operator.Tests.Runtime;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_key_added_many_times_is_queued_once_in_first_add_order()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await GetAsync(queue));
        Assert.Equal("b", await GetAsync(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_out_again_until_done()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.Add("a");
        Assert.Equal("a", await GetAsync(queue));

        queue.Add("a");
        queue.Add("a");
        Assert.Equal(0, queue.Count);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queue.TryGetAsync(cts.Token));

        queue.Done("a");
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await GetAsync(queue));
        queue.Done("a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Waiting_getters_receive_keys_as_they_are_added()
    {
        using var queue = new WorkQueue<int>(new ManualTimeProvider());
        var first = queue.TryGetAsync(default).AsTask();
        var second = queue.TryGetAsync(default).AsTask();
        Assert.False(first.IsCompleted);

        queue.Add(1);
        queue.Add(1);
        queue.Add(2);

        var keys = new[] { (await first.WaitAsync(Short)).Key, (await second.WaitAsync(Short)).Key };
        Assert.Equal([1, 2], keys.Order());
    }

    [Fact]
    public async Task AddAfter_waits_for_the_clock_and_the_earliest_deadline_wins()
    {
        var time = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("b", TimeSpan.FromSeconds(20));
        queue.AddAfter("b", TimeSpan.FromSeconds(5));
        Assert.Equal(0, queue.Count);
        Assert.Equal(2, queue.DelayedCount);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, queue.Count);
        Assert.Equal("b", await GetAsync(queue));

        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("a", await GetAsync(queue));

        // The superseded 30 s deadline of "a" and 20 s of "b" do not add them again.
        queue.Done("a");
        queue.Done("b");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.DelayedCount);
    }

    [Fact]
    public async Task AddAfter_with_no_delay_adds_at_once_and_dedupes_with_queued_keys()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.AddAfter("a", TimeSpan.Zero);
        queue.Add("a");
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await GetAsync(queue));
    }

    [Fact]
    public void Rate_limited_backoff_doubles_from_5ms_to_the_cap_and_Forget_resets_it()
    {
        var limiter = new ItemExponentialRateLimiter<string>();
        var delays = Enumerable.Range(0, 20).Select(_ => limiter.When("a")).ToList();

        Assert.Equal(TimeSpan.FromMilliseconds(5), delays[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(10), delays[1]);
        Assert.Equal(TimeSpan.FromMilliseconds(20), delays[2]);
        Assert.Equal(TimeSpan.FromMilliseconds(5 * 1024), delays[10]);
        Assert.Equal(TimeSpan.FromSeconds(1000), delays[19]);
        Assert.Equal(20, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("b"));

        limiter.Forget("a");
        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.When("a"));
    }

    [Fact]
    public async Task AddRateLimited_delays_by_the_growing_backoff()
    {
        var time = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(time, new ItemExponentialRateLimiter<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)));

        queue.AddRateLimited("a");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("a", await GetAsync(queue));
        queue.Done("a");

        queue.AddRateLimited("a");
        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(1, queue.Count);
        Assert.Equal(2, queue.NumRequeues("a"));

        queue.Forget("a");
        Assert.Equal(0, queue.NumRequeues("a"));
    }

    [Fact]
    public async Task ShutDown_drains_queued_keys_then_reports_shutdown_and_ignores_adds()
    {
        var time = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(time);
        var waiting = queue.TryGetAsync(default).AsTask();
        queue.Add("a");
        Assert.Equal("a", (await waiting.WaitAsync(Short)).Key);
        queue.Add("b");
        queue.AddAfter("c", TimeSpan.FromSeconds(1));
        var blocked = queue.TryGetAsync(default).AsTask();
        Assert.Equal("b", (await blocked.WaitAsync(Short)).Key);
        var blockedAgain = queue.TryGetAsync(default).AsTask();

        queue.ShutDown();

        Assert.False((await blockedAgain.WaitAsync(Short)).Success);
        queue.Add("d");
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await queue.TryGetAsync(default)).Success);
        Assert.True(queue.IsShuttingDown);
        queue.Done("a");
        queue.Done("b");
    }

    [Fact]
    public async Task Keys_queued_before_shutdown_are_still_handed_out()
    {
        using var queue = new WorkQueue<string>(new ManualTimeProvider());
        queue.Add("a");
        queue.ShutDown();
        Assert.Equal((true, "a"), await queue.TryGetAsync(default));
        Assert.False((await queue.TryGetAsync(default)).Success);
    }

    [Fact]
    public async Task Concurrent_producers_and_consumers_never_process_a_key_twice_at_once()
    {
        using var queue = new WorkQueue<int>();
        var inFlight = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var violations = 0;
        var processed = 0;
        using var stop = new CancellationTokenSource();
        var consumers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (ok, key) = await queue.TryGetAsync(default);
                if (!ok)
                {
                    return;
                }

                if (!inFlight.TryAdd(key, 0))
                {
                    Interlocked.Increment(ref violations);
                }

                await Task.Yield();
                inFlight.TryRemove(key, out _);
                Interlocked.Increment(ref processed);
                queue.Done(key);
            }
        })).ToArray();
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                queue.Add(i % 10);
            }
        })).ToArray();

        await Task.WhenAll(producers);
        await Eventually(() => queue.Count == 0);
        queue.ShutDown();
        await Task.WhenAll(consumers).WaitAsync(Short);

        Assert.Equal(0, violations);
        Assert.True(processed >= 10);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Short;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    private static async Task<T> GetAsync<T>(WorkQueue<T> queue)
        where T : notnull
    {
        var (ok, key) = await queue.TryGetAsync(default).AsTask().WaitAsync(Short);
        Assert.True(ok);
        return key;
    }
}
