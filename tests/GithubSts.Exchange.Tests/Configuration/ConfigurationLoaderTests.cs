using System.Security.Cryptography;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Configuration;

namespace GithubSts.Exchange.Tests.Configuration;

public sealed class ConfigurationLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-config").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Environment_alone_configures_one_app()
    {
        var options = GithubStsConfigurationLoader.Load(null, new Dictionary<string, string>
        {
            ["GITHUBSTS_STS_IDENTIFIER"] = "sts.example.com",
            ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = "https://token.actions.githubusercontent.com",
            ["GITHUBSTS_GITHUB_APP_ID"] = "123",
            ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = MinimalEnvironment.AppKeyPem,
            ["GITHUBSTS_GITHUB_APP_NAME"] = "ci",
        });

        var app = Assert.Single(options.Apps);
        Assert.Equal("ci", app.Name);
        Assert.Equal(123, app.Credentials.AppId);
        Assert.Equal(new Uri("https://api.github.com/"), app.Credentials.ApiBaseUrl);
        Assert.Equal(PolicyPathTemplate.PyGithubStsLayout, app.PolicyPath.Template);
        Assert.Equal(".github", app.OrgPolicyRepository);
        Assert.Equal("sts.example.com", options.Identifier);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Oidc.ClockSkew);
        Assert.Equal(TimeSpan.FromSeconds(60), options.PolicyCacheTtl);
    }

    [Fact]
    public void File_settings_are_read_and_environment_overrides_them()
    {
        var keyPath = Path.Combine(_directory, "key.pem");
        File.WriteAllText(keyPath, MinimalEnvironment.AppKeyPem);
        var config = Write($"""
            sts:
              identifier: sts.example.com
              allowedIssuers: ["https://token.actions.githubusercontent.com"]
              clockSkewSeconds: 30
            apps:
              - name: default
                appId: 1
                privateKey: {keyPath}
                policyPath: .github/chainguard/{"{identity}"}.sts.yaml
              - name: ghes
                appId: 2
                privateKey: {keyPath}
                apiUrl: https://ghe.example.com/api/v3/
                orgPolicyRepo: policies
            policies:
              cacheTtlSeconds: 120
            """);

        var options = GithubStsConfigurationLoader.Load(config, new Dictionary<string, string>
        {
            ["GITHUBSTS_CONFIG"] = "/ignored/because/--config/wins",
            ["GITHUBSTS_POLICIES_CACHE_TTL_SECONDS"] = "30",
            ["GITHUBSTS_GITHUB_APP_ID"] = "7",
        });

        Assert.Equal(["https://token.actions.githubusercontent.com"], options.Oidc.AllowedIssuers);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Oidc.ClockSkew);
        Assert.Equal(TimeSpan.FromSeconds(30), options.PolicyCacheTtl);
        Assert.Equal(7, options.Apps[0].Credentials.AppId);
        Assert.Equal(PolicyPathTemplate.OctoStsLayout, options.Apps[0].PolicyPath.Template);
        Assert.Equal(new Uri("https://ghe.example.com/api/v3/"), options.Apps[1].Credentials.ApiBaseUrl);
        Assert.Equal("policies", options.Apps[1].OrgPolicyRepository);
    }

    [Theory]
    [InlineData("sts:\n  identifer: x\n", "identifer")]
    [InlineData("sts:\n  identifier: x\n  identifier: y\n", "line")]
    [InlineData("sts:\n  clockSkewSeconds: soon\n", "line")]
    public void Malformed_files_name_the_problem(string yaml, string expected)
    {
        var e = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(Write(yaml), Env()));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GITHUBSTS_STS_IDENTIFIER", "", "sts.identifier")]
    [InlineData("GITHUBSTS_STS_ALLOWED_ISSUERS", "http://issuer.example.com", "sts.allowedIssuers[0]")]
    [InlineData("GITHUBSTS_STS_ALLOWED_ISSUERS", "https://a.example.com,https://user@b.example.com", "sts.allowedIssuers[1]")]
    [InlineData("GITHUBSTS_STS_CLOCK_SKEW_SECONDS", "3600", "sts.clockSkewSeconds")]
    [InlineData("GITHUBSTS_STS_CLOCK_SKEW_SECONDS", "-1", "GITHUBSTS_STS_CLOCK_SKEW_SECONDS")]
    [InlineData("GITHUBSTS_POLICIES_CACHE_TTL_SECONDS", "99999", "policies.cacheTtlSeconds")]
    [InlineData("GITHUBSTS_GITHUB_APP_ID", "0", "apps[0].appId")]
    [InlineData("GITHUBSTS_GITHUB_APP_PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----\ngarbage\n-----END RSA PRIVATE KEY-----", "apps[0].privateKey")]
    [InlineData("GITHUBSTS_GITHUB_APP_PRIVATE_KEY", "/no/such/key.pem", "apps[0].privateKey")]
    [InlineData("GITHUBSTS_GITHUB_API_URL", "http://api.github.com", "apps[0].apiUrl")]
    [InlineData("GITHUBSTS_GITHUB_POLICY_PATH", "../{identity}.yaml", "apps[0].policyPath")]
    [InlineData("GITHUBSTS_GITHUB_ORG_POLICY_REPO", "..", "apps[0].orgPolicyRepo")]
    [InlineData("GITHUBSTS_GITHUB_APP_NAME", "../x", "apps[0].name")]
    [InlineData("GITHUBSTS_STS_IDENTIFER", "typo", "GITHUBSTS_STS_IDENTIFER")]
    [InlineData("GITHUBSTS_LIMITS_FORWARDED_HEADERS_TRUSTED_PROXIES", "10.0.0.0/8", "limits.forwardedHeaders.trustedProxies[0]")]
    [InlineData("GITHUBSTS_LIMITS_FORWARDED_HEADERS_TRUSTED_PROXIES", "10.0.0.1,proxy.example", "limits.forwardedHeaders.trustedProxies[1]")]
    [InlineData("GITHUBSTS_LIMITS_FORWARDED_HEADERS_TRUSTED_NETWORKS", "10.0.0.1", "limits.forwardedHeaders.trustedNetworks[0]")]
    [InlineData("GITHUBSTS_LIMITS_FORWARDED_HEADERS_TRUSTED_NETWORKS", "10.0.0.0/33", "limits.forwardedHeaders.trustedNetworks[0]")]
    [InlineData("GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS", "61", "shutdown.drainDelaySeconds")]
    [InlineData("GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS", "-1", "GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS")]
    [InlineData("GITHUBSTS_STARTUP_WARMUP_SECONDS", "31", "startup.warmupSeconds")]
    [InlineData("GITHUBSTS_STARTUP_WARMUP_SECONDS", "-1", "GITHUBSTS_STARTUP_WARMUP_SECONDS")]
    [InlineData("GITHUBSTS_STARTUP_WARMUP_SECONDS", "soon", "GITHUBSTS_STARTUP_WARMUP_SECONDS")]
    public void Invalid_settings_stop_startup_naming_the_setting(string variable, string value, string setting)
    {
        var environment = Env();
        environment[variable] = value;
        var e = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment));
        Assert.StartsWith(setting, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("garbage", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 10: the drain delay after SIGTERM is 5 s unless set, from the file or the environment.</summary>
    [Fact]
    public void The_drain_delay_defaults_to_5_seconds_and_can_be_set()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), GithubStsConfigurationLoader.Load(null, Env()).DrainDelay);

        var environment = Env();
        environment["GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS"] = "0";
        Assert.Equal(TimeSpan.Zero, GithubStsConfigurationLoader.Load(null, environment).DrainDelay);

        Assert.Equal(12, GithubStsConfigurationLoader.Parse("shutdown:\n  drainDelaySeconds: 12\n").Shutdown.DrainDelaySeconds);
    }

    [Fact]
    public void The_warm_up_defaults_to_at_most_3_seconds_and_can_be_set_or_turned_off()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), GithubStsConfigurationLoader.Load(null, Env()).Warmup);

        var environment = Env();
        environment["GITHUBSTS_STARTUP_WARMUP_SECONDS"] = "0";
        Assert.Equal(TimeSpan.Zero, GithubStsConfigurationLoader.Load(null, environment).Warmup);

        Assert.Equal(10, GithubStsConfigurationLoader.Parse("startup:\n  warmupSeconds: 10\n").Startup.WarmupSeconds);
    }

    [Fact]
    public void No_app_at_all_is_an_error()
    {
        var e = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(
            null,
            new Dictionary<string, string>
            {
                ["GITHUBSTS_STS_IDENTIFIER"] = "sts.example.com",
                ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = "https://token.actions.githubusercontent.com",
            }));
        Assert.Equal("apps", e.Setting);
    }

    /// <summary>Issue 9 §5.1: an empty issuer list no longer means "any issuer"; start-up stops and says what to set.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(",")]
    public void No_allowed_issuer_stops_startup_unless_any_issuer_is_allowed_explicitly(string? issuers)
    {
        var environment = Env();
        environment.Remove("GITHUBSTS_STS_ALLOWED_ISSUERS");
        if (issuers is not null)
        {
            environment["GITHUBSTS_STS_ALLOWED_ISSUERS"] = issuers;
        }

        var e = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment));
        Assert.Equal("sts.allowedIssuers", e.Setting);
        Assert.Contains("GITHUBSTS_STS_ALLOWED_ISSUERS", e.Message, StringComparison.Ordinal);
        Assert.Contains("sts.allowAnyIssuer", e.Message, StringComparison.Ordinal);

        environment["GITHUBSTS_STS_ALLOW_ANY_ISSUER"] = "false";
        Assert.Equal("sts.allowedIssuers", Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment)).Setting);

        environment["GITHUBSTS_STS_ALLOW_ANY_ISSUER"] = "true";
        var options = GithubStsConfigurationLoader.Load(null, environment);
        Assert.True(options.Oidc.AllowAnyIssuer);
        Assert.Empty(options.Oidc.AllowedIssuers);
    }

    [Fact]
    public void Allow_any_issuer_is_read_from_the_file_and_is_off_by_default()
    {
        var environment = Env();
        environment.Remove("GITHUBSTS_STS_ALLOWED_ISSUERS");
        var options = GithubStsConfigurationLoader.Load(Write("sts:\n  allowAnyIssuer: true\n"), environment);
        Assert.True(options.Oidc.AllowAnyIssuer);
        Assert.False(GithubStsConfigurationLoader.Load(null, Env()).Oidc.AllowAnyIssuer);
        Assert.Equal("GITHUBSTS_STS_ALLOW_ANY_ISSUER", Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(
            null, new Dictionary<string, string>(Env()) { ["GITHUBSTS_STS_ALLOW_ANY_ISSUER"] = "yes please" })).Setting);
    }

    /// <summary>With a cluster, its own issuer is trusted by the operator's validator: an empty list means "cluster tokens only".</summary>
    [Fact]
    public void With_a_cluster_an_empty_list_is_accepted_and_trusts_no_other_issuer()
    {
        var environment = Env();
        environment.Remove("GITHUBSTS_STS_ALLOWED_ISSUERS");
        var options = GithubStsConfigurationLoader.Load(null, environment, requireApps: false);
        Assert.Empty(options.Oidc.AllowedIssuers);
        Assert.False(options.Oidc.AllowAnyIssuer);
    }

    [Fact]
    public void Explicit_loopback_http_issuers_are_accepted()
    {
        var environment = Env();
        environment["GITHUBSTS_STS_ALLOWED_ISSUERS"] = "http://127.0.0.1:5556";
        var options = GithubStsConfigurationLoader.Load(null, environment);
        Assert.Equal(["http://127.0.0.1:5556"], options.Oidc.AllowedIssuers);
    }

    private static Dictionary<string, string> Env() => MinimalEnvironment.Create();

    private string Write(string yaml)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
