namespace GithubSts.Operator.Runtime;

/// <summary>What an informer watches and how it retries. Defaults follow client-go's reflector.</summary>
public sealed record InformerOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Re-deliver every cached object as an update this often (local only, no API call); null: never.</summary>
    public TimeSpan? ResyncPeriod { get; init; }

    /// <summary>Page size of lists.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Each watch asks the server to close it after a random time in [this, 2 × this].</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The backoff starts again from <see cref="InitialBackoff"/> after this long without failures.</summary>
    public TimeSpan BackoffResetAfter { get; init; } = TimeSpan.FromMinutes(2);
}
