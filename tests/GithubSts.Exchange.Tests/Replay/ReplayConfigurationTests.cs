using System.Security.Cryptography;
using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.Replay;

namespace GithubSts.Exchange.Tests.Replay;

public sealed class ReplayConfigurationTests : IDisposable
{
    private static readonly string Pem = CreatePem();
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-replay-config").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Default_is_no_replay_protection()
    {
        var options = GithubStsConfigurationLoader.Load(null, Env());
        Assert.Equal(ReplayBackend.None, options.Replay.Backend);
        Assert.Null(options.Replay.Redis);
    }

    [Fact]
    public void File_settings_are_read_and_environment_overrides_them()
    {
        var path = Path.Combine(_directory, "c.yaml");
        File.WriteAllText(path, """
            replay:
              backend: memory
              exemptIssuers: ["https://kubernetes.default.svc"]
              redis:
                address: redis.example:6380
                password: pw
                tls: true
                connectTimeoutMs: 100
                commandTimeoutMs: 300
            """);
        var environment = Env();
        environment["GITHUBSTS_REPLAY_BACKEND"] = "redis";
        environment["GITHUBSTS_REPLAY_REDIS_PASSWORD"] = "pw2";
        var options = GithubStsConfigurationLoader.Load(path, environment);
        Assert.Equal(ReplayBackend.Redis, options.Replay.Backend);
        Assert.Equal(["https://kubernetes.default.svc"], options.Replay.ExemptIssuers);
        var redis = options.Replay.Redis!;
        Assert.Equal("redis.example", redis.Endpoint.Host);
        Assert.Equal(6380, redis.Endpoint.Port);
        Assert.Equal("pw2", redis.Password);
        Assert.True(redis.Tls);
        Assert.Equal(TimeSpan.FromMilliseconds(100), redis.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(300), redis.CommandTimeout);
    }

    [Theory]
    [InlineData("GITHUBSTS_REPLAY_BACKEND", "sqlite", "replay.backend")]
    [InlineData("GITHUBSTS_REPLAY_EXEMPT_ISSUERS", "not a url", "replay.exemptIssuers[0]")]
    [InlineData("GITHUBSTS_REPLAY_REDIS_TLS", "maybe", "GITHUBSTS_REPLAY_REDIS_TLS")]
    public void Invalid_settings_name_the_setting(string variable, string value, string setting)
    {
        var environment = Env();
        environment[variable] = value;
        var e = Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment));
        Assert.Equal(setting, e.Setting);
    }

    [Fact]
    public void Redis_backend_requires_an_address()
    {
        var environment = Env();
        environment["GITHUBSTS_REPLAY_BACKEND"] = "redis";
        Assert.Equal("replay.redis.address", Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment)).Setting);
        environment["GITHUBSTS_REPLAY_REDIS_ADDRESS"] = "redis://x";
        Assert.Equal("replay.redis.address", Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment)).Setting);
    }

    private static Dictionary<string, string> Env() => new()
    {
        ["GITHUBSTS_STS_IDENTIFIER"] = "sts.example.com",
        ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = "https://token.actions.githubusercontent.com",
        ["GITHUBSTS_GITHUB_APP_ID"] = "123",
        ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = Pem,
    };

    private static string CreatePem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    }
}
