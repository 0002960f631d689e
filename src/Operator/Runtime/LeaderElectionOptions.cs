namespace GithubSts.Operator.Runtime;

/// <summary>Lease-based leader election settings (controller-runtime defaults: 15 s lease, 10 s renew deadline, 2 s retry).</summary>
public sealed record LeaderElectionOptions
{
    /// <summary>Namespace of the Lease (the operator's own).</summary>
    public required string Namespace { get; init; }

    public required string LeaseName { get; init; }

    /// <summary>Unique per process: <c>{hostname}_{guid}</c> by default (the pod name is the hostname).</summary>
    public string Identity { get; init; } = DefaultIdentity();

    /// <summary>How long a lease is honoured after its holder's last observed renewal.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A leader that could not renew for this long steps down.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval between renewals, and (with jitter) between acquisition attempts.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Acquisition attempts wait <c>RetryPeriod × (1 + random × JitterFactor)</c>.</summary>
    public double JitterFactor { get; init; } = 1.2;

    /// <summary>On graceful stop, clear the holder so a successor takes over at once.</summary>
    public bool ReleaseOnCancel { get; init; } = true;

    public static string DefaultIdentity() => $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>Throws unless LeaseDuration &gt; RenewDeadline &gt; JitterFactor × RetryPeriod (client-go's rule).</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Namespace);
        ArgumentException.ThrowIfNullOrEmpty(LeaseName);
        ArgumentException.ThrowIfNullOrEmpty(Identity);
        if (LeaseDuration <= RenewDeadline)
        {
            throw new ArgumentException("LeaseDuration must be greater than RenewDeadline.");
        }

        if (RenewDeadline <= RetryPeriod * JitterFactor)
        {
            throw new ArgumentException("RenewDeadline must be greater than JitterFactor × RetryPeriod.");
        }

        if (RetryPeriod <= TimeSpan.Zero || JitterFactor < 0)
        {
            throw new ArgumentException("RetryPeriod must be positive and JitterFactor not negative.");
        }
    }
}
