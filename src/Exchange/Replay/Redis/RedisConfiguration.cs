using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace GithubSts.Exchange.Replay.Redis;

/// <summary>Translates <see cref="RedisReplayOptions"/> into StackExchange.Redis settings tuned to fail closed fast.</summary>
public static class RedisConfiguration
{
    public static ConfigurationOptions Create(RedisReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connectMs = (int)Math.Ceiling(options.ConnectTimeout.TotalMilliseconds);
        var commandMs = (int)Math.Ceiling(options.CommandTimeout.TotalMilliseconds);
        var configuration = new ConfigurationOptions
        {
            // Start even when Redis is down (exchanges then fail closed) and keep reconnecting in the background.
            AbortOnConnectFail = false,
            ConnectRetry = 1,
            ConnectTimeout = connectMs,
            AsyncTimeout = commandMs,
            SyncTimeout = commandMs,

            // Never queue a command while disconnected: a queued SET could be applied long after the exchange failed.
            BacklogPolicy = BacklogPolicy.FailFast,

            // The heartbeat is what notices timed-out commands and drives reconnects; the default 1 s is our whole budget.
            HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Clamp(commandMs / 2, 50, 1000)),
            ReconnectRetryPolicy = new LinearRetry(Math.Clamp(connectMs, 50, 1000)),
            KeepAlive = 5,

            // Only the commands the README lists reach Redis: no tie-breaker GET, no SUBSCRIBE to a configuration
            // channel, no CLIENT SETINFO. The ACL user needs nothing else.
            // The handshake's optional queries (INFO, CLUSTER, CONFIG, CLIENT, ECHO) and script caching (SCRIPT LOAD,
            // EVALSHA) are not used, and RESP2 needs no HELLO: the ACL user needs only AUTH, PING, SET, EVAL and the
            // script's GET and DEL (README, Replay store).
            CommandMap = CommandMap.Create(["INFO", "CLUSTER", "CONFIG", "CLIENT", "ECHO", "SCRIPT", "EVALSHA"], available: false),
            Protocol = RedisProtocol.Resp2,
            TieBreaker = "",
            ConfigurationChannel = "",
            SetClientLibrary = false,
            User = options.Username,
            Password = options.Password,
        };

        foreach (var endpoint in options.Endpoints)
        {
            configuration.EndPoints.Add(endpoint.Host, endpoint.Port);
        }

        if (options.IsSentinel)
        {
            configuration.ServiceName = options.SentinelServiceName;
            configuration.SentinelUser = options.SentinelUsername;
            configuration.SentinelPassword = options.SentinelPassword;
        }

        if (options.Tls)
        {
            configuration.Ssl = true;
            if (options.TlsServerName is { } name)
            {
                configuration.SslHost = name;
            }

            if (options.TlsCaFile is { } caFile)
            {
                var authorities = LoadAuthorities(caFile);
                configuration.CertificateValidation += (_, certificate, _, errors) => IsSignedBy(authorities, certificate, errors);
            }
        }

        return configuration;
    }

    /// <summary>The certificates of a PEM file (a CA bundle: every one is trusted), or the one of a DER file.</summary>
    internal static X509Certificate2Collection LoadAuthorities(string path)
    {
        var text = File.ReadAllText(path);
        if (!text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            return [X509CertificateLoader.LoadCertificateFromFile(path)];
        }

        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(text);
        return certificates.Count > 0 ? certificates : throw new CryptographicException("no certificate in " + path);
    }

    /// <summary>
    /// A private CA: the chain must end at one of these certificates, and the host name must still match (only the chain
    /// error is forgiven, the platform having judged the chain against the system store).
    /// </summary>
    internal static bool IsSignedBy(X509Certificate2Collection authorities, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
