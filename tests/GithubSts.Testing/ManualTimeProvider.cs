namespace GithubSts.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that only moves when told to. Timers (including <c>CancellationTokenSource</c> delays
/// built on this provider) fire during <see cref="Advance"/> when their due time is reached.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset start) => now = start;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves the clock forward (never backward) and fires every timer that became due, in due order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (gate)
        {
            target = now + delta;
        }

        while (true)
        {
            ManualTimer? due;
            lock (gate)
            {
                due = timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (due is null)
                {
                    now = target;
                    return;
                }

                if (due.DueAt > now)
                {
                    now = due.DueAt;
                }

                due.Reschedule(now);
                if (due.DueAt == DateTimeOffset.MaxValue)
                {
                    timers.Remove(due);
                }
            }

            due.Fire();
        }
    }

    /// <summary>Sets the clock to an absolute instant (which may be earlier, to test a clock stepping back).</summary>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (gate)
        {
            now = value;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (gate)
        {
            timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                timer.DueAt = DateTimeOffset.MaxValue;
                return;
            }

            timer.DueAt = now + dueTime;
            timer.Period = period;
            timers.Add(timer);
        }
    }

    private void Unschedule(ManualTimer timer)
    {
        lock (gate)
        {
            timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset DueAt { get; set; } = DateTimeOffset.MaxValue;

        public TimeSpan Period { get; set; } = Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Reschedule(DateTimeOffset firedAt) =>
            DueAt = Period == Timeout.InfiniteTimeSpan || Period == TimeSpan.Zero ? DateTimeOffset.MaxValue : firedAt + Period;

        public void Fire() => callback(state);

        public void Dispose() => owner.Unschedule(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
