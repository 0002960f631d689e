namespace GithubSts.Testing.GitHub;

public sealed partial class GitHubSimulator
{
    private long _tokenLifetimeTicks = TimeSpan.FromHours(1).Ticks;

    /// <summary>How long the tokens it mints from now on live (GitHub: one hour); shorter to watch renewals in real time.</summary>
    public TimeSpan TokenLifetime
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _tokenLifetimeTicks));
        set => Interlocked.Exchange(ref _tokenLifetimeTicks, value > TimeSpan.Zero ? value.Ticks : throw new ArgumentOutOfRangeException(nameof(value)));
    }
}
