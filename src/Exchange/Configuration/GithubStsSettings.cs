namespace GithubSts.Exchange.Configuration;

/// <summary>
/// The configuration file as written (YAML, camelCase keys). Unknown keys are errors.
/// <see cref="GithubStsConfigurationLoader"/> applies environment overrides and validates it into <see cref="GithubStsOptions"/>.
/// </summary>
public sealed class GithubStsSettings
{
    public StsSettings Sts { get; set; } = new();

    public List<AppSettings> Apps { get; set; } = [];

    public PolicySettings Policies { get; set; } = new();
}

public sealed class StsSettings
{
    /// <summary>This deployment's audience: tokens must be minted for it unless a policy names another audience.</summary>
    public string? Identifier { get; set; }

    public List<string> AllowedIssuers { get; set; } = [];

    public int ClockSkewSeconds { get; set; } = 60;

    public long MaxTokenLifetimeSeconds { get; set; } = 24 * 3600;

    public Dictionary<string, long> IssuerMaxTokenLifetimeSeconds { get; set; } = [];

    public bool AllowPrivateNetworkAddresses { get; set; }
}

public sealed class AppSettings
{
    public string? Name { get; set; }

    public long AppId { get; set; }

    /// <summary>PEM text (PKCS#1 or PKCS#8) or a path to a PEM file.</summary>
    public string? PrivateKey { get; set; }

    public string? ApiUrl { get; set; }

    public string? PolicyPath { get; set; }

    public string? OrgPolicyRepo { get; set; }
}

public sealed class PolicySettings
{
    public int CacheTtlSeconds { get; set; } = 60;
}
