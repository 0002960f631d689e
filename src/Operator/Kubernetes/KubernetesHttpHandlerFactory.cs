using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// One <see cref="SocketsHttpHandler"/> per API server: HTTP/2 with keep-alive pings (30 s / 15 s, the apimachinery
/// defaults that catch silently dead watch connections), bounded connection lifetime, and TLS that trusts only the
/// configured CA bundle when one is given.
/// </summary>
internal static class KubernetesHttpHandlerFactory
{
    public static SocketsHttpHandler Create(KubernetesClientConfiguration config)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
            AutomaticDecompression = DecompressionMethods.GZip,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (config.ProxyUrl is not null)
        {
            handler.Proxy = new WebProxy(config.ProxyUrl);
            handler.UseProxy = true;
        }

        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidateServerCertificate(config, certificate, chain, errors),
        };
        if (config.ClientCertificate is { } clientCertificate)
        {
            ssl.ClientCertificates = [clientCertificate];

            // The server's acceptable-issuer list may not name our issuer (e.g. an intermediate): always offer ours.
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        handler.SslOptions = ssl;
        return handler;
    }

    internal static bool ValidateServerCertificate(
        KubernetesClientConfiguration config, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (config.InsecureSkipTlsVerify)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            && (config.TlsServerName is null || !leaf.MatchesHostname(config.TlsServerName)))
        {
            return false;
        }

        var anchors = config.CurrentCaCertificates();
        if (anchors is null || anchors.Count == 0)
        {
            // System trust store.
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(anchors);
        if (chain is not null)
        {
            // The intermediates the server sent.
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        }

        return custom.Build(leaf);
    }
}
