using System.Security.Cryptography;
using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.Replay;
using GithubSts.Exchange.Replay.Redis;

using GithubSts.Exchange.Tests.Configuration;

namespace GithubSts.Exchange.Tests.Replay;

public sealed class ReplayConfigurationTests : IDisposable
{
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
        Assert.Equal([new RedisEndpoint("redis.example", 6380)], redis.Endpoints);
        Assert.Null(redis.SentinelServiceName);
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

    [Fact]
    public void Sentinel_tls_and_acl_settings_are_read_from_the_environment()
    {
        var ca = Path.Combine(_directory, "ca.pem");
        using (var key = ECDsa.Create())
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ca", key, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(ca, certificate.ExportCertificatePem());
        }

        var environment = Env();
        environment["GITHUBSTS_REPLAY_BACKEND"] = "redis";
        environment["GITHUBSTS_REPLAY_REDIS_SENTINEL_SERVICE_NAME"] = "mymaster";
        environment["GITHUBSTS_REPLAY_REDIS_SENTINEL_ADDRESSES"] = "s1.example, s2.example:26380";
        environment["GITHUBSTS_REPLAY_REDIS_SENTINEL_USERNAME"] = "watcher";
        environment["GITHUBSTS_REPLAY_REDIS_SENTINEL_PASSWORD"] = "spw";
        environment["GITHUBSTS_REPLAY_REDIS_USERNAME"] = "sts";
        environment["GITHUBSTS_REPLAY_REDIS_PASSWORD"] = "pw";
        environment["GITHUBSTS_REPLAY_REDIS_TLS"] = "true";
        environment["GITHUBSTS_REPLAY_REDIS_TLS_CA_FILE"] = ca;
        environment["GITHUBSTS_REPLAY_REDIS_TLS_SERVER_NAME"] = "redis.internal";
        environment["GITHUBSTS_REPLAY_REDIS_CONNECT_TIMEOUT_MS"] = "100";
        environment["GITHUBSTS_REPLAY_REDIS_COMMAND_TIMEOUT_MS"] = "400";
        var redis = GithubStsConfigurationLoader.Load(null, environment).Replay.Redis!;
        Assert.Equal("mymaster", redis.SentinelServiceName);
        Assert.Equal([new RedisEndpoint("s1.example", 26379), new RedisEndpoint("s2.example", 26380)], redis.Endpoints);
        Assert.Equal(("watcher", "spw"), (redis.SentinelUsername, redis.SentinelPassword));
        Assert.Equal(("sts", "pw"), (redis.Username, redis.Password));
        Assert.True(redis.Tls);
        Assert.Equal((ca, "redis.internal"), (redis.TlsCaFile, redis.TlsServerName));
        Assert.Equal((TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)), (redis.ConnectTimeout, redis.CommandTimeout));
    }

    [Theory]
    [InlineData("GITHUBSTS_REPLAY_REDIS_ADDRESS", "r:6379", "replay.redis.address")]
    [InlineData("GITHUBSTS_REPLAY_REDIS_SENTINEL_ADDRESSES", "", "replay.redis.sentinel.addresses")]
    [InlineData("GITHUBSTS_REPLAY_REDIS_SENTINEL_ADDRESSES", "s1,[::1", "replay.redis.sentinel.addresses[1]")]
    [InlineData("GITHUBSTS_REPLAY_REDIS_TLS_CA_FILE", "/nonexistent/ca.pem", "replay.redis.tlsCaFile")]
    [InlineData("GITHUBSTS_REPLAY_REDIS_SENTINEL_USERNAME", "watcher", "replay.redis.sentinel.password")]
    public void Invalid_sentinel_and_tls_settings_name_the_setting(string variable, string value, string setting)
    {
        var environment = Env();
        environment["GITHUBSTS_REPLAY_BACKEND"] = "redis";
        environment["GITHUBSTS_REPLAY_REDIS_SENTINEL_SERVICE_NAME"] = "mymaster";
        environment["GITHUBSTS_REPLAY_REDIS_SENTINEL_ADDRESSES"] = "s1";
        environment["GITHUBSTS_REPLAY_REDIS_TLS"] = "true";
        environment[variable] = value;
        Assert.Equal(setting, Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment)).Setting);
    }

    [Fact]
    public void A_ca_file_without_tls_is_an_error()
    {
        var environment = Env();
        environment["GITHUBSTS_REPLAY_BACKEND"] = "redis";
        environment["GITHUBSTS_REPLAY_REDIS_ADDRESS"] = "r";
        environment["GITHUBSTS_REPLAY_REDIS_TLS_CA_FILE"] = "/x.pem";
        Assert.Equal("replay.redis.tlsCaFile", Assert.Throws<ConfigurationException>(() => GithubStsConfigurationLoader.Load(null, environment)).Setting);
    }

    private static Dictionary<string, string> Env() => MinimalEnvironment.Create();
}
