namespace GithubSts.Exchange.Replay;

/// <summary>Remembers consumed tokens. Implementations fail closed by throwing <see cref="ReplayStoreUnavailableException"/>.</summary>
public interface IReplayStore
{
    /// <summary>Atomically records <paramref name="key"/> for <paramref name="ttl"/>; false when it is already recorded.</summary>
    ValueTask<bool> TryReserveAsync(string key, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Forgets <paramref name="key"/> (the exchange that reserved it failed).</summary>
    ValueTask ReleaseAsync(string key, CancellationToken cancellationToken);
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
}
