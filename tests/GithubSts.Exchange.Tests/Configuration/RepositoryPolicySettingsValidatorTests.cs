using GithubSts.Exchange.Configuration;

namespace GithubSts.Exchange.Tests.Configuration;

public sealed class RepositoryPolicySettingsValidatorTests
{
    private const string Identifier = "https://sts.example.com";

    public static TheoryData<string, Action<PolicySettings>> OutOfBounds => new()
    {
        { "policies.directoryCacheTtlSeconds", p => p.DirectoryCacheTtlSeconds = -1 },
        { "policies.directoryCacheTtlSeconds", p => p.DirectoryCacheTtlSeconds = RepositoryPolicySettingsValidator.MaxDirectoryCacheTtlSeconds + 1 },
        { "policies.directoryCacheTtlSeconds", p => p.DirectoryCacheTtlSeconds = int.MinValue },
        { "policies.staleGraceSeconds", p => p.StaleGraceSeconds = -1 },
        { "policies.staleGraceSeconds", p => p.StaleGraceSeconds = RepositoryPolicySettingsValidator.MaxStaleGraceSeconds + 1 },
        { "policies.staleGraceSeconds", p => p.StaleGraceSeconds = int.MaxValue },
        { "policies.ownerReadsPerMinute", p => p.OwnerReadsPerMinute = 0 },
        { "policies.ownerReadsPerMinute", p => p.OwnerReadsPerMinute = -5 },
        { "policies.ownerReadsPerMinute", p => p.OwnerReadsPerMinute = RepositoryPolicySettingsValidator.MaxOwnerReadsPerMinute + 1 },
        { "policies.unknownOwnerLookupsPerMinute", p => p.UnknownOwnerLookupsPerMinute = 0 },
        { "policies.unknownOwnerLookupsPerMinute", p => p.UnknownOwnerLookupsPerMinute = RepositoryPolicySettingsValidator.MaxUnknownOwnerLookupsPerMinute + 1 },
        { "policies.rateLimitReserve", p => p.RateLimitReserve = -1 },
        { "policies.rateLimitReserve", p => p.RateLimitReserve = RepositoryPolicySettingsValidator.MaxRateLimitReserve + 1 },
        { "policies.repositoryAudiences", p => p.RepositoryAudiences = [.. Enumerable.Range(0, RepositoryPolicySettingsValidator.MaxRepositoryAudiences + 1).Select(i => $"aud{i}")] },
        { "policies.repositoryAudiences", p => p.RepositoryAudiences = [""] },
        { "policies.repositoryAudiences", p => p.RepositoryAudiences = ["has space"] },
        { "policies.repositoryAudiences", p => p.RepositoryAudiences = ["tab\there"] },
        { "policies.repositoryAudiences", p => p.RepositoryAudiences = ["nul\0"] },
        { "policies.repositoryAudiences", p => p.RepositoryAudiences = ["line\nbreak"] },
        { "policies.repositoryAudiences", p => p.RepositoryAudiences = ["no\u00a0break"] },
        { "policies.repositoryAudiences", p => p.RepositoryAudiences = [new string('a', 256)] },
        { "policies.repositoryAudiences", p => p.RepositoryAudiences = ["same", "same"] },
    };

    public static TheoryData<Action<PolicySettings>> AtTheBounds => new()
    {
        p => p.DirectoryCacheTtlSeconds = 0,
        p => p.DirectoryCacheTtlSeconds = RepositoryPolicySettingsValidator.MaxDirectoryCacheTtlSeconds,
        p => p.StaleGraceSeconds = 0,
        p => p.StaleGraceSeconds = RepositoryPolicySettingsValidator.MaxStaleGraceSeconds,
        p => p.OwnerReadsPerMinute = 1,
        p => p.OwnerReadsPerMinute = RepositoryPolicySettingsValidator.MaxOwnerReadsPerMinute,
        p => p.UnknownOwnerLookupsPerMinute = 1,
        p => p.UnknownOwnerLookupsPerMinute = RepositoryPolicySettingsValidator.MaxUnknownOwnerLookupsPerMinute,
        p => p.RateLimitReserve = 0,
        p => p.RateLimitReserve = RepositoryPolicySettingsValidator.MaxRateLimitReserve,
        p => p.RepositoryAudiences = [.. Enumerable.Range(0, RepositoryPolicySettingsValidator.MaxRepositoryAudiences).Select(i => $"aud{i}")],
        p => p.RepositoryAudiences = [new string('a', 255)],
        p => p.RepositoryAudiences = ["Same", "same"],
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public void A_setting_out_of_bounds_is_refused_naming_it(string setting, Action<PolicySettings> change)
    {
        var policies = new PolicySettings();
        change(policies);

        var error = Assert.Throws<ConfigurationException>(() => RepositoryPolicySettingsValidator.Validate(policies, Identifier, []));

        Assert.Equal(setting, error.Setting);
    }

    [Theory]
    [MemberData(nameof(AtTheBounds))]
    public void A_setting_at_its_bound_is_accepted(Action<PolicySettings> change)
    {
        var policies = new PolicySettings();
        change(policies);

        RepositoryPolicySettingsValidator.Validate(policies, Identifier, []);
    }

    [Fact]
    public void The_defaults_are_valid_and_carried_over()
    {
        var options = RepositoryPolicySettingsValidator.Validate(new PolicySettings(), Identifier, []);

        Assert.Equal(TimeSpan.FromSeconds(60), options.CacheTtl);
        Assert.Equal(TimeSpan.FromSeconds(10), options.DirectoryCacheTtl);
        Assert.Equal(TimeSpan.FromSeconds(300), options.StaleGrace);
        Assert.Equal(60, options.OwnerReadsPerMinute);
        Assert.Equal(60, options.UnknownOwnerLookupsPerMinute);
        Assert.Equal(500, options.RateLimitReserve);
        Assert.Equal(Identifier, options.ServiceIdentifier);
    }

    [Fact]
    public void No_repository_audiences_means_the_service_identifier_only()
    {
        var options = RepositoryPolicySettingsValidator.Validate(new PolicySettings(), Identifier, []);

        Assert.Equal([Identifier], options.RepositoryAudiences);
    }

    [Fact]
    public void No_repository_audiences_means_every_default_audience()
    {
        var options = RepositoryPolicySettingsValidator.Validate(new PolicySettings(), Identifier, ["github-sts", "dd-octo-sts"]);

        Assert.Equal([Identifier, "github-sts", "dd-octo-sts"], options.RepositoryAudiences);
        Assert.Equal(["github-sts", "dd-octo-sts"], options.StsAudiences);
    }

    [Fact]
    public void Listed_repository_audiences_replace_the_identifier()
    {
        var policies = new PolicySettings { RepositoryAudiences = ["a", "b"] };

        var options = RepositoryPolicySettingsValidator.Validate(policies, Identifier, []);

        Assert.Equal(["a", "b"], options.RepositoryAudiences);
    }
}
