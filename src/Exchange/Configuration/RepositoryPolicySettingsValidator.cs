using GithubSts.Exchange.PolicySources;

namespace GithubSts.Exchange.Configuration;

/// <summary>Validates the <c>policies.*</c> settings that bound repository-hosted policy reads.</summary>
internal static class RepositoryPolicySettingsValidator
{
    /// <summary>The longest a last-good copy may outlive its cache entry: stale grants stay short by construction.</summary>
    public const int MaxStaleGraceSeconds = 900;
    public const int MaxRepositoryAudiences = 16;
    public const int MaxDirectoryCacheTtlSeconds = 3600;
    public const int MaxOwnerReadsPerMinute = 10_000;
    public const int MaxUnknownOwnerLookupsPerMinute = 10_000;
    public const int MaxRateLimitReserve = 100_000;

    /// <param name="identifier"><c>sts.identifier</c>.</param>
    /// <param name="stsAudiences"><c>sts.audiences</c>, validated: accepted with the identifier by a policy naming no audience.</param>
    public static RepositoryPolicySourceOptions Validate(
        PolicySettings policies, string identifier, IReadOnlyList<string> stsAudiences, IReadOnlyList<Identity.PinnedIssuer>? pinnedIssuers = null)
    {
        if (policies.DirectoryCacheTtlSeconds is < 0 or > MaxDirectoryCacheTtlSeconds)
        {
            throw new ConfigurationException("policies.directoryCacheTtlSeconds", $"must be between 0 and {MaxDirectoryCacheTtlSeconds}");
        }

        if (policies.StaleGraceSeconds is < 0 or > MaxStaleGraceSeconds)
        {
            throw new ConfigurationException("policies.staleGraceSeconds", $"must be between 0 and {MaxStaleGraceSeconds}");
        }

        if (policies.OwnerReadsPerMinute is < 1 or > MaxOwnerReadsPerMinute)
        {
            throw new ConfigurationException("policies.ownerReadsPerMinute", $"must be between 1 and {MaxOwnerReadsPerMinute}");
        }

        if (policies.UnknownOwnerLookupsPerMinute is < 1 or > MaxUnknownOwnerLookupsPerMinute)
        {
            throw new ConfigurationException(
                "policies.unknownOwnerLookupsPerMinute", $"must be between 1 and {MaxUnknownOwnerLookupsPerMinute}");
        }

        if (policies.RateLimitReserve is < 0 or > MaxRateLimitReserve)
        {
            throw new ConfigurationException("policies.rateLimitReserve", $"must be between 0 and {MaxRateLimitReserve}");
        }

        var pinned = (pinnedIssuers ?? []).Where(p => p.Audiences is not null).ToList();
        return new RepositoryPolicySourceOptions
        {
            IssuerAudiences = pinned.ToDictionary(p => p.Issuer, p => p.Audiences!, StringComparer.Ordinal),
            CacheTtl = TimeSpan.FromSeconds(policies.CacheTtlSeconds),
            DirectoryCacheTtl = TimeSpan.FromSeconds(policies.DirectoryCacheTtlSeconds),
            StaleGrace = TimeSpan.FromSeconds(policies.StaleGraceSeconds),
            // Unset, the pinned issuers' own audiences are allowed too: the operator configured them for those tokens.
            RepositoryAudiences = ValidateAudiences(
                policies.RepositoryAudiences,
                [.. new[] { identifier }.Concat(stsAudiences).Concat(pinned.SelectMany(p => p.Audiences!)).Distinct(StringComparer.Ordinal)]),
            ServiceIdentifier = identifier,
            StsAudiences = stsAudiences,
            OwnerReadsPerMinute = policies.OwnerReadsPerMinute,
            UnknownOwnerLookupsPerMinute = policies.UnknownOwnerLookupsPerMinute,
            RateLimitReserve = policies.RateLimitReserve,
        };
    }

    // Unset: what a policy naming no audience accepts anyway, so sts.audiences reach repository files too.
    private static string[] ValidateAudiences(List<string> audiences, string[] defaultAudiences) =>
        audiences.Count == 0
            ? defaultAudiences
            : AudienceListValidator.Validate(audiences, "policies.repositoryAudiences", MaxRepositoryAudiences);
}
