namespace GithubSts.Exchange.PolicySources;

public sealed class RepositoryPolicySourceOptions
{
    /// <summary>How long a compiled policy and a policy directory listing are reused (<c>policies.cacheTtlSeconds</c>); zero disables caching.</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a policy directory listing (which identities have a file at all) is reused, positive or negative
    /// (<c>policies.directoryCacheTtlSeconds</c>): a new policy file becomes visible within this time. Zero disables it.
    /// </summary>
    public TimeSpan DirectoryCacheTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long "no policy here" (missing, unreadable or invalid file) is remembered.</summary>
    public TimeSpan NotFoundTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long after its cache entry expired the last good copy of a policy may still be served, and only while GitHub
    /// cannot be read (rate limit, 5xx, timeout, read budget): <c>policies.staleGraceSeconds</c>. Zero never serves stale.
    /// </summary>
    public TimeSpan StaleGrace { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The only audiences a repository-hosted policy may accept (<c>policies.repositoryAudiences</c>; empty means
    /// <see cref="ServiceIdentifier"/> and <see cref="StsAudiences"/>). A token with none of them never causes a GitHub call.
    /// </summary>
    public IReadOnlyList<string> RepositoryAudiences { get; init; } = [];

    /// <summary>This service's identifier: an audience a policy without <c>audience</c> accepts.</summary>
    public string ServiceIdentifier { get; init; } = string.Empty;

    /// <summary><c>sts.audiences</c>: accepted besides <see cref="ServiceIdentifier"/> by a policy without <c>audience</c>.</summary>
    public IReadOnlyList<string> StsAudiences { get; init; } = [];

    /// <summary>
    /// Pinned issuers' own default audiences (<c>sts.issuers[].audiences</c>): such an issuer's tokens reach repository
    /// policies only with one of these that <see cref="RepositoryAudiences"/> also allows.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> IssuerAudiences { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Policy loads that may reach GitHub per owner and minute (<c>policies.ownerReadsPerMinute</c>).</summary>
    public int OwnerReadsPerMinute { get; init; } = 60;

    /// <summary>Installation lookups per minute, for the whole service, of owners whose installation is not cached.</summary>
    public int UnknownOwnerLookupsPerMinute { get; init; } = 60;

    /// <summary>
    /// When GitHub reports fewer App calls left than this (<c>policies.rateLimitReserve</c>), policy loads are refused so
    /// the rest stays for mints of policies already loaded. Zero disables the reserve.
    /// </summary>
    public int RateLimitReserve { get; init; } = 500;

    public int MaxEntries { get; init; } = 10_000;

    public int MaxPolicyBytes { get; init; } = 64 * 1024;
}
