using GithubSts.Exchange.Replay.Redis;
using StackExchange.Redis;

namespace GithubSts.Exchange.Replay;

/// <summary>
/// Replay entries in Redis: reserve is <c>SET githubsts:replay:&lt;key&gt; &lt;holder&gt; NX PX ttl</c>; release is a
/// compare-and-delete script that removes the key only while its value is still this exchange's holder. Each operation
/// has one budget (<see cref="RedisReplayOptions.CommandTimeout"/>): StackExchange.Redis has no per-call cancellation,
/// so the caller stops waiting at the budget (<c>WaitAsync</c>) whatever the library is still doing.
/// </summary>
public sealed class RedisReplayStore(RedisConnection connection, TimeProvider time) : IReplayStore, IAsyncDisposable
{
    public const string KeyPrefix = "githubsts:replay:";

    /// <summary>1 = released, 0 = absent, -1 = held by another exchange.</summary>
    internal const string ReleaseScript =
        "local v = redis.call('GET', KEYS[1]) " +
        "if v == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 elseif v then return -1 end return 0";

    /// <summary>How often to look for a reconnected multiplexer while a command could not be sent.</summary>
    private static readonly TimeSpan ReconnectPoll = TimeSpan.FromMilliseconds(10);

    public RedisConnection Connection => connection;

    public async ValueTask<bool> TryReserveAsync(ReplayReservation reservation, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var (key, holder) = reservation;
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(holder);
        var expiry = TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(ttl.TotalMilliseconds)));
        return await RunAsync(
            "SET",
            db => db.StringSetAsync(KeyPrefix + key, holder, expiry, When.NotExists),
            cancellationToken);
    }

    public async ValueTask<ReplayReleaseResult> ReleaseAsync(ReplayReservation reservation, CancellationToken cancellationToken)
    {
        var (key, holder) = reservation;
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(holder);
        var reply = await RunAsync(
            "release",
            db => db.ScriptEvaluateAsync(ReleaseScript, [KeyPrefix + key], [holder]),
            cancellationToken);
        return reply.Resp2Type == ResultType.Integer ? (long)reply switch
        {
            1 => ReplayReleaseResult.Released,
            0 => ReplayReleaseResult.Absent,
            -1 => ReplayReleaseResult.HeldByAnother,
            _ => throw new ReplayStoreUnavailableException("unexpected Redis release reply"),
        } : throw new ReplayStoreUnavailableException("unexpected Redis release reply");
    }

    /// <summary>
    /// Runs one command within the budget. A command the library did not send (no connection: FailFast refuses at
    /// once) is tried again until the budget ends or a reconnect attempt fails, which is what lets the first exchange
    /// after a Redis restart succeed once the reconnect lands; a command that may have been sent is never repeated (its
    /// outcome is unknown).
    /// </summary>
    private async Task<T> RunAsync<T>(string command, Func<IDatabaseAsync, Task<T>> run, CancellationToken cancellationToken)
    {
        var budget = connection.Options.CommandTimeout;
        var deadline = time.GetUtcNow() + budget;
        var failedAttempts = connection.FailedAttempts;
        var multiplexer = await connection.GetAsync(budget, cancellationToken);
        while (true)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw Unavailable($"Redis {command}: no connection to {connection.Describe()} within {budget.TotalMilliseconds:F0} ms", null, sent: false);
            }

            var sent = true;
            try
            {
                var result = await run(multiplexer.GetDatabase()).WaitAsync(left, time, cancellationToken);
                connection.ReportSucceeded();
                return result;
            }
            catch (TimeoutException e)
            {
                throw Unavailable($"Redis {command} timed out after {budget.TotalMilliseconds:F0} ms", e, sent);
            }
            catch (RedisConnectionException e) when (e.CommandStatus is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog
                                                     || e.FailureType == ConnectionFailureType.UnableToResolvePhysicalConnection)
            {
                // Waiting helps only while a reconnect may land (Redis restarted); once an attempt failed meanwhile,
                // Redis is down and the exchange fails closed now rather than at the end of the budget.
                sent = false;
                if (time.GetUtcNow() + ReconnectPoll >= deadline || connection.FailedAttempts != failedAttempts)
                {
                    throw Unavailable($"Redis {command}: no connection to {connection.Describe()} ({e.FailureType})", e, sent);
                }

                await Task.Delay(ReconnectPoll, time, cancellationToken);
            }
            catch (RedisServerException e) when (e.Kind is RedisErrorKind.NoAuth or RedisErrorKind.WrongPass
                                                 or RedisErrorKind.NoPermission or RedisErrorKind.NotPermitted)
            {
                // Refused before it ran: not applied. The server names the command, never our password.
                connection.ReportRejected($"{command} refused: {e.Message}");
                throw new ReplayStoreUnavailableException($"Redis {connection.Describe()} refused {command}: {e.Message}", e);
            }
            catch (RedisServerException e)
            {
                throw Unavailable($"Redis {command} failed: {e.Message}", e, sent: false);
            }
            catch (RedisException e)
            {
                throw Unavailable($"Redis {command} failed: {e.GetType().Name}", e, sent);
            }
        }
    }

    private ReplayStoreUnavailableException Unavailable(string message, Exception? inner, bool sent) =>
        new(message + connection.RejectionSuffix(), inner) { OutcomeUnknown = sent };

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
