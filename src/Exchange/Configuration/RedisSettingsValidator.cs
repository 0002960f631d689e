using System.Security.Cryptography;
using GithubSts.Exchange.Replay.Redis;

namespace GithubSts.Exchange.Configuration;

/// <summary>Validates <c>replay.redis.*</c>: a single node (<c>address</c>) or Sentinel, credentials, TLS, timeouts.</summary>
internal static class RedisSettingsValidator
{
    public const int MaxSentinels = 16;

    /// <summary>The settings checked whatever the backend; null unless the backend is Redis.</summary>
    public static RedisReplayOptions? Validate(RedisSettings redis, bool enabled)
    {
        if (redis.ConnectTimeoutMs is < 1 or > 30_000)
        {
            throw new ConfigurationException("replay.redis.connectTimeoutMs", "must be between 1 and 30000");
        }

        if (redis.CommandTimeoutMs is < 1 or > 30_000)
        {
            throw new ConfigurationException("replay.redis.commandTimeoutMs", "must be between 1 and 30000");
        }

        if (!enabled)
        {
            return null;
        }

        var sentinel = redis.Sentinel;
        var serviceName = Blank(sentinel.ServiceName);
        List<RedisEndpoint> endpoints = [];
        if (serviceName is null)
        {
            if (sentinel.Addresses.Count > 0)
            {
                throw new ConfigurationException("replay.redis.sentinel.serviceName", "is required with replay.redis.sentinel.addresses");
            }

            if (!RedisEndpoint.TryParse(redis.Address, out var endpoint))
            {
                throw new ConfigurationException(
                    "replay.redis.address", "is required for the redis backend: host:port (env GITHUBSTS_REPLAY_REDIS_ADDRESS), or replay.redis.sentinel");
            }

            endpoints.Add(endpoint);
        }
        else
        {
            if (!string.IsNullOrEmpty(redis.Address))
            {
                throw new ConfigurationException("replay.redis.address", "must be empty with replay.redis.sentinel: the Sentinels name the master");
            }

            if (sentinel.Addresses.Count is 0 or > MaxSentinels)
            {
                throw new ConfigurationException("replay.redis.sentinel.addresses", $"must list 1 to {MaxSentinels} Sentinels (host:port)");
            }

            for (var i = 0; i < sentinel.Addresses.Count; i++)
            {
                if (!RedisEndpoint.TryParse(sentinel.Addresses[i], RedisEndpoint.DefaultSentinelPort, out var endpoint))
                {
                    throw new ConfigurationException($"replay.redis.sentinel.addresses[{i}]", "must be host:port");
                }

                endpoints.Add(endpoint);
            }
        }

        if (Blank(redis.Username) is not null && Blank(redis.Password) is null)
        {
            throw new ConfigurationException("replay.redis.password", "is required when replay.redis.username is set");
        }

        if (Blank(sentinel.Username) is not null && Blank(sentinel.Password) is null)
        {
            throw new ConfigurationException("replay.redis.sentinel.password", "is required when replay.redis.sentinel.username is set");
        }

        var caFile = Blank(redis.TlsCaFile);
        if ((caFile is not null || Blank(redis.TlsServerName) is not null) && !redis.Tls)
        {
            throw new ConfigurationException(caFile is not null ? "replay.redis.tlsCaFile" : "replay.redis.tlsServerName", "needs replay.redis.tls: true");
        }

        if (caFile is not null)
        {
            CheckCertificate(caFile);
        }

        return new RedisReplayOptions
        {
            Endpoints = endpoints,
            SentinelServiceName = serviceName,
            Username = Blank(redis.Username),
            Password = Blank(redis.Password),
            SentinelUsername = Blank(sentinel.Username),
            SentinelPassword = Blank(sentinel.Password),
            Tls = redis.Tls,
            TlsCaFile = caFile,
            TlsServerName = Blank(redis.TlsServerName),
            ConnectTimeout = TimeSpan.FromMilliseconds(redis.ConnectTimeoutMs),
            CommandTimeout = TimeSpan.FromMilliseconds(redis.CommandTimeoutMs),
        };
    }

    private static void CheckCertificate(string path)
    {
        try
        {
            foreach (var certificate in RedisConfiguration.LoadAuthorities(path))
            {
                certificate.Dispose();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ConfigurationException("replay.redis.tlsCaFile", $"'{path}' is not a readable PEM or DER certificate: {e.Message}");
        }
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
