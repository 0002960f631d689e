namespace GithubSts.Operator.GitHubTokens;

/// <summary>
/// At most <c>perMinute</c> GitHubToken mints per App in any 60 seconds (a sliding window), so a flood of GitHubTokens
/// cannot spend the App's GitHub rate limit that exchanges need. Exchanges are never counted or held back here.
/// </summary>
public sealed class MintBudget(int perMinute, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _mints = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int PerMinute { get; } = perMinute > 0 ? perMinute : throw new ArgumentOutOfRangeException(nameof(perMinute));

    /// <summary>Takes one mint of <paramref name="app"/>'s budget; when it is spent, says how long until one is free.</summary>
    public bool TryTake(string app, out TimeSpan wait)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_mints.TryGetValue(app, out var recent))
            {
                _mints[app] = recent = new Queue<DateTimeOffset>();
            }

            while (recent.Count > 0 && recent.Peek() <= now - Window)
            {
                recent.Dequeue();
            }

            if (recent.Count < PerMinute)
            {
                recent.Enqueue(now);
                wait = TimeSpan.Zero;
                return true;
            }

            wait = recent.Peek() + Window - now;
            return false;
        }
    }

    /// <summary>Gives a taken mint back (nothing was sent to GitHub after all).</summary>
    public void Return(string app)
    {
        lock (_gate)
        {
            if (_mints.TryGetValue(app, out var recent) && recent.Count > 0)
            {
                // The newest entry is ours or one just as recent: dropping any of them frees the same slot.
                var kept = recent.ToArray()[..^1];
                _mints[app] = new Queue<DateTimeOffset>(kept);
            }
        }
    }
}
