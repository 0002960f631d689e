namespace GithubSts.Exchange.Replay;

/// <summary>
/// Remembers consumed tokens. Each reservation carries a holder value unique to one exchange, so a release can only
/// remove the reservation that exchange made (never one made later by a retry). Implementations fail closed by
/// throwing <see cref="ReplayStoreUnavailableException"/>.
/// </summary>
public interface IReplayStore
{
    /// <summary>
    /// Atomically records the reservation for <paramref name="ttl"/>; false when the key is already recorded. When this
    /// throws with <see cref="ReplayStoreUnavailableException.OutcomeUnknown"/> the store may still apply it later.
    /// </summary>
    ValueTask<bool> TryReserveAsync(ReplayReservation reservation, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Forgets the key if, and only if, it is still held by this reservation's holder (compare and delete).</summary>
    ValueTask<ReplayReleaseResult> ReleaseAsync(ReplayReservation reservation, CancellationToken cancellationToken);
}

/// <summary>One exchange's claim on a replay key.</summary>
/// <param name="Key">From <see cref="ReplayKey.For(GithubSts.Exchange.Identity.ValidatedIdentity)"/>.</param>
/// <param name="Holder">Random per exchange: what the store keeps as the key's value.</param>
public readonly record struct ReplayReservation(string Key, string Holder)
{
    public static ReplayReservation Create(string key) =>
        new(key, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
}

public enum ReplayReleaseResult
{
    /// <summary>The key was held by this holder and is gone.</summary>
    Released,

    /// <summary>The key is not recorded (never applied, expired, or not yet applied).</summary>
    Absent,

    /// <summary>Another exchange holds the key: left alone.</summary>
    HeldByAnother,
}

/// <summary>The replay store could not answer; the exchange must fail closed.</summary>
public sealed class ReplayStoreUnavailableException : Exception
{
    public ReplayStoreUnavailableException()
    {
    }

    public ReplayStoreUnavailableException(string message)
        : base(message)
    {
    }

    public ReplayStoreUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    /// <summary>
    /// The command may have reached the store before the failure (e.g. its reply timed out), so the store may apply it
    /// later: a reservation in this state must be released once the store answers again.
    /// </summary>
    public bool OutcomeUnknown { get; init; }
}
