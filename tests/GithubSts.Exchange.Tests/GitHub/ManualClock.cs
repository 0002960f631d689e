namespace GithubSts.Exchange.Tests.GitHub;

/// <summary>A clock tests move by hand. Timers (timeouts, retry delays) stay on real time, so nothing waits on Advance.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public ManualClock()
        : this(System.GetUtcNow())
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
