namespace GithubSts.Exchange.Identity;

/// <summary>Settings for inbound OIDC token validation and for fetching issuer metadata (discovery and JWKS).</summary>
public sealed class OidcValidationOptions
{
    /// <summary>
    /// Exact issuer strings (ordinal, no trailing-slash or case normalisation). Empty trusts no issuer unless
    /// <see cref="AllowAnyIssuer"/> is set. Only listed issuers may be loopback <c>http</c> URLs. Every listed issuer
    /// has a cache slot of its own that no other issuer can evict.
    /// </summary>
    public IReadOnlyList<string> AllowedIssuers { get; init; } = [];

    /// <summary>
    /// Also trust any issuer that passes <see cref="IssuerUrl.IsAcceptable"/> as a non-listed issuer. Their metadata
    /// shares a bounded least-recently-used cache of <see cref="MaxCachedIssuers"/> entries.
    /// </summary>
    public bool AllowAnyIssuer { get; init; }

    /// <summary>
    /// Issuers with configured keys (<c>sts.issuers</c>): implicitly trusted, never fetched. An issuer may be pinned or
    /// listed in <see cref="AllowedIssuers"/>, not both.
    /// </summary>
    public IReadOnlyList<PinnedIssuer> PinnedIssuers { get; init; } = [];

    /// <summary>How often a pinned issuer's <see cref="PinnedIssuer.JwksFile"/> is polled besides the file watcher.</summary>
    public TimeSpan PinnedKeyPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest accepted <c>exp - (nbf ?? iat ?? now)</c>, for issuers without an override.</summary>
    public TimeSpan MaxTokenLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Per-issuer override of <see cref="MaxTokenLifetime"/>, keyed by the exact issuer string.</summary>
    public IReadOnlyDictionary<string, TimeSpan> IssuerMaxTokenLifetime { get; init; } =
        new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    public int MaxTokenBytes { get; init; } = 16 * 1024;

    /// <summary>Cap on a discovery or JWKS response body; larger bodies are aborted while streaming.</summary>
    public int MaxResponseBytes { get; init; } = 100 * 1024;

    /// <summary>Budget for one discovery or JWKS request (connect, headers and body).</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Age after which cached metadata is refreshed (in the background, while the cached copy keeps serving).</summary>
    public TimeSpan KeyRefreshInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Minimum spacing per issuer between fetches caused by an unknown <c>kid</c>, and between retries after a failed fetch.
    /// </summary>
    public TimeSpan MinimumKeyRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long last-known-good metadata keeps validating tokens while the issuer cannot be reached.</summary>
    public TimeSpan MaxStaleness { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Bound of the cache of issuers that are not listed (<see cref="AllowAnyIssuer"/> only); listed ones are pinned.</summary>
    public int MaxCachedIssuers { get; init; } = 100;

    /// <summary>When false, the metadata HTTP client refuses to connect to private, link-local, CGNAT and metadata addresses.</summary>
    public bool AllowPrivateNetworkAddresses { get; init; }

    /// <summary>
    /// Hosts (exact, lower-case, https, default port) that any issuer's <c>jwks_uri</c> may name besides the issuer's own host.
    /// Google (<c>accounts.google.com</c>) and Entra v1 (<c>sts.windows.net</c>) publish their keys on these hosts.
    /// </summary>
    public IReadOnlyList<string> AdditionalJwksHosts { get; init; } = ["www.googleapis.com", "login.microsoftonline.com"];

    internal TimeSpan MaxLifetimeFor(string issuer) =>
        IssuerMaxTokenLifetime.TryGetValue(issuer, out var lifetime) ? lifetime : MaxTokenLifetime;

    /// <summary>Throws when a setting is out of range or a listed issuer is not an acceptable URL.</summary>
    internal void Validate()
    {
        foreach (var issuer in AllowedIssuers)
        {
            if (!IssuerUrl.IsAcceptable(issuer, explicitlyListed: true, out var reason))
            {
                throw new ArgumentException($"Allowed issuer '{issuer}' is not acceptable: {reason}.", nameof(AllowedIssuers));
            }
        }

        var pinned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var issuer in PinnedIssuers)
        {
            if (!PinnedIssuer.IsAcceptableUrl(issuer.Issuer, out var reason))
            {
                throw new ArgumentException($"Pinned issuer '{issuer.Issuer}' is not acceptable: {reason}.", nameof(PinnedIssuers));
            }

            if (!pinned.Add(issuer.Issuer) || AllowedIssuers.Contains(issuer.Issuer, StringComparer.Ordinal))
            {
                throw new ArgumentException($"Issuer '{issuer.Issuer}' is pinned twice or both pinned and allowed for discovery.", nameof(PinnedIssuers));
            }

            if ((issuer.JwksFile is null) == (issuer.Jwks is null) || issuer.AllowedAlgorithms == JwsAlgorithm.None)
            {
                throw new ArgumentException($"Pinned issuer '{issuer.Issuer}' needs exactly one of Jwks and JwksFile, and known algorithms.", nameof(PinnedIssuers));
            }
        }

        RequirePositive(PinnedKeyPollInterval, nameof(PinnedKeyPollInterval));
        RequirePositive(MaxTokenLifetime, nameof(MaxTokenLifetime));
        RequirePositive(HttpTimeout, nameof(HttpTimeout));
        RequirePositive(KeyRefreshInterval, nameof(KeyRefreshInterval));
        RequirePositive(MaxStaleness, nameof(MaxStaleness));
        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(ClockSkew), "The clock skew must be between 0 and 5 minutes.");
        }

        if (MinimumKeyRefreshInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumKeyRefreshInterval));
        }

        foreach (var (issuer, lifetime) in IssuerMaxTokenLifetime)
        {
            RequirePositive(lifetime, $"{nameof(IssuerMaxTokenLifetime)}[{issuer}]");
        }

        if (MaxTokenBytes < 64 || MaxResponseBytes < 1024 || MaxCachedIssuers < 1)
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
