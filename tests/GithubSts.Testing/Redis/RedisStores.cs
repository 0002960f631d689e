using GithubSts.Exchange.Replay;
using GithubSts.Exchange.Replay.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace GithubSts.Testing.Redis;

/// <summary>The production Redis replay store, built for a test.</summary>
public static class RedisStores
{
    /// <param name="commandTimeout">Default 3 s: the production 500 ms is about a healthy server, not a loaded CI machine.</param>
    public static RedisReplayStore Create(
        string address, TimeSpan? commandTimeout = null, string? password = null, string? username = null, TimeSpan? connectTimeout = null)
    {
        var endpoint = RedisEndpoint.TryParse(address, out var parsed) ? parsed : throw new ArgumentException(address, nameof(address));
        var options = new RedisReplayOptions
        {
            Endpoints = [endpoint],
            Password = password,
            Username = username,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(2),
            CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(3),
        };
        return new RedisReplayStore(new RedisConnection(options, TimeProvider.System, NullLogger<RedisConnection>.Instance), TimeProvider.System);
    }

    /// <summary>Until the store's connection is up (its first connect may take longer than its command budget).</summary>
    /// <param name="warmUp">Also run one command through the store (not possible when its connection is delayed).</param>
    public static async Task WaitConnectedAsync(RedisReplayStore store, bool warmUp = true)
    {
        ArgumentNullException.ThrowIfNull(store);
        var multiplexer = await store.Connection.GetAsync(TimeSpan.FromSeconds(10), default);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!multiplexer.IsConnected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the Redis store did not connect");
            }

            await Task.Delay(20);
        }

        if (!warmUp)
        {
            return;
        }

        // One command through the store itself, so a cold start (JIT, thread pool) is not charged to the test's budget.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await store.ReleaseAsync(ReplayReservation.Create("warm-up"), default);
                return;
            }
            catch (ReplayStoreUnavailableException) when (attempt < 20)
            {
                await Task.Delay(50);
            }
        }
    }
}
