namespace GithubSts.Exchange.Identity;

/// <summary>Mutable cache state for one issuer. <see cref="Gate"/> guards the fetch bookkeeping.</summary>
internal sealed class IssuerCacheEntry(string issuer, bool explicitlyListed)
{
    private IssuerMetadata? current;
    private long lastUse;

    public string Issuer { get; } = issuer;

    public bool ExplicitlyListed { get; } = explicitlyListed;

    public Lock Gate { get; } = new();

    /// <summary>Last-known-good metadata; replaced atomically by a successful fetch.</summary>
    public IssuerMetadata? Current
    {
        get => Volatile.Read(ref current);
        set => Volatile.Write(ref current, value);
    }

    /// <summary>The running fetch, shared by every caller (single-flight). A completed task counts as none.</summary>
    public Task<MetadataFetchOutcome>? Fetch { get; set; }

    /// <summary>When a fetch was last started because a token named an unknown kid.</summary>
    public DateTimeOffset LastKeyMissFetch { get; set; } = DateTimeOffset.MinValue;

    /// <summary>When the most recent fetch failed; cleared by a success. Spaces out retries against a failing issuer.</summary>
    public DateTimeOffset? LastFailure { get; set; }

    /// <summary>Whether that failure was a rule violation in the discovery document rather than an outage.</summary>
    public bool LastFailureWasDiscoveryInvalid { get; set; }

    /// <summary>A use sequence number (not a time, which may stand still or step back): higher is more recent.</summary>
    public long LastUse => Volatile.Read(ref lastUse);

    public void Touch(long useSequence) => Volatile.Write(ref lastUse, useSequence);
}

/// <summary>The result of one shared fetch: metadata on success, otherwise the failure (the task itself never faults).</summary>
internal sealed record MetadataFetchOutcome(IssuerMetadata? Metadata, MetadataFetchException? Error);
