using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace GithubSts.Exchange.GitHub;

/// <summary>Remembers, per App, the last quota GitHub reported and the windows during which calls must not be sent.</summary>
/// <remarks>
/// Calls signed with the App JWT share the App's quota (bucket <see cref="AppBucket"/>). Calls made with an installation
/// token spend that installation's quota, so they are paused per owner: one exhausted tenant does not stop the others.
/// </remarks>
internal sealed class RateLimitTracker
{
    public const string AppBucket = "app";
    private const int PruneThreshold = 1024;

    private readonly ConditionalWeakTable<GitHubAppCredentials, AppState> _apps = new();

    public static string OwnerBucket(string owner) => "owner:" + GitHubNames.CacheKey(owner);

    /// <summary>The time left before calls in this bucket may be sent again, or null when they may be sent now.</summary>
    public TimeSpan? GetRemainingPause(GitHubAppCredentials app, string bucket, DateTimeOffset now)
    {
        if (_apps.TryGetValue(app, out var state) && state.PausedUntil.TryGetValue(bucket, out var until) && until > now)
        {
            return until - now;
        }

        return null;
    }

    public void Pause(GitHubAppCredentials app, string bucket, DateTimeOffset until, DateTimeOffset now)
    {
        var state = _apps.GetValue(app, static _ => new AppState());
        state.PausedUntil.AddOrUpdate(bucket, until, (_, existing) => existing > until ? existing : until);
        if (state.PausedUntil.Count > PruneThreshold)
        {
            foreach (var (key, value) in state.PausedUntil)
            {
                if (value <= now)
                {
                    state.PausedUntil.TryRemove(KeyValuePair.Create(key, value));
                }
            }
        }
    }

    public void RecordRemaining(GitHubAppCredentials app, int remaining) =>
        Volatile.Write(ref _apps.GetValue(app, static _ => new AppState()).Remaining, remaining);

    public int? GetRemaining(GitHubAppCredentials app) =>
        _apps.TryGetValue(app, out var state) && Volatile.Read(ref state.Remaining) is var remaining and >= 0 ? remaining : null;

    private sealed class AppState
    {
        // -1 until GitHub has reported a value.
        public int Remaining = -1;

        public ConcurrentDictionary<string, DateTimeOffset> PausedUntil { get; } = new(StringComparer.Ordinal);
    }
}
