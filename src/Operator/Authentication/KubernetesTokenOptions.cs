namespace GithubSts.Operator.Authentication;

/// <summary>Settings for validating projected service-account tokens of the local cluster.</summary>
public sealed class KubernetesTokenOptions
{
    /// <summary>The longest accepted <see cref="ReviewCacheTtl"/>: it bounds how long a revoked token keeps working.</summary>
    public static readonly TimeSpan MaxReviewCacheTtl = TimeSpan.FromSeconds(30);

    /// <summary>
    /// This service's audience (<c>sts.identifier</c>). A token must list it in <c>aud</c>; tokens for the API server's
    /// own audience, or any other audience only, are refused. It is the only audience TokenReview is asked about:
    /// <c>sts.audiences</c> exist for off-the-shelf CI clients with fixed defaults, while a projected token's audience
    /// is written in the pod spec, so one value suffices, and generic names such as <c>github-sts</c> that another
    /// in-cluster service might also use never make a cluster token valid here.
    /// </summary>
    public required string Audience { get; init; }

    /// <summary>
    /// When true (the default) every token that passes the local checks is confirmed by a TokenReview, which catches
    /// deleted service accounts and pods. When false only the local (JWKS) checks run and revocation is not seen.
    /// </summary>
    public bool TokenReviewEnabled { get; init; } = true;

    /// <summary>Refuse tokens not bound to a pod (for example those from <c>kubectl create token</c>).</summary>
    public bool RequirePodBinding { get; init; }

    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest accepted <c>exp - iat</c>.</summary>
    public TimeSpan MaxTokenLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a successful TokenReview is reused for the same token (never past its <c>exp</c>); at most 30 s, zero disables.</summary>
    public TimeSpan ReviewCacheTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Age after which the cluster's issuer and keys are refetched (in the background; the cached copy keeps serving).</summary>
    public TimeSpan IssuerRefreshInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Minimum spacing between refetches caused by an unknown <c>kid</c>, and between retries after a failed fetch.</summary>
    public TimeSpan MinimumKeyRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Budget for one API server call (discovery, JWKS or TokenReview), on top of the client's own timeouts.</summary>
    public TimeSpan ApiTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest accepted token, in characters (as the generic validator's default).</summary>
    /// <summary>
    /// Pinned issuers (<c>sts.issuers</c>), each with the setting that pins it: the cluster's own issuer turning out to be
    /// one of them is a start-up error naming both sources, never a silent choice between two sets of keys.
    /// </summary>
    public IReadOnlyDictionary<string, string> PinnedIssuers { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public int MaxTokenBytes { get; init; } = 16 * 1024;

    /// <summary>Bound on the positive TokenReview cache (least recently used entries are evicted).</summary>
    public int ReviewCacheCapacity { get; init; } = 10_000;

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Audience))
        {
            throw new ArgumentException("The audience must be set.", nameof(Audience));
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(ClockSkew), "The clock skew must be between 0 and 5 minutes.");
        }

        if (ReviewCacheTtl < TimeSpan.Zero || ReviewCacheTtl > MaxReviewCacheTtl)
        {
            throw new ArgumentOutOfRangeException(nameof(ReviewCacheTtl), "The review cache TTL must be between 0 and 30 seconds.");
        }

        RequirePositive(MaxTokenLifetime, nameof(MaxTokenLifetime));
        RequirePositive(IssuerRefreshInterval, nameof(IssuerRefreshInterval));
        RequirePositive(ApiTimeout, nameof(ApiTimeout));
        if (MinimumKeyRefreshInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumKeyRefreshInterval));
        }

        if (MaxTokenBytes < 64 || ReviewCacheCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokenBytes), "Size limits are too small.");
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, "The value must be positive.");
        }
    }
}
