using System.Security.Cryptography.X509Certificates;

namespace GithubSts.Operator.Kubernetes;

/// <summary>Where the API server is and how to authenticate to it. Build one by hand or with <see cref="KubernetesConfigLoader"/>.</summary>
public sealed class KubernetesClientConfiguration
{
    /// <summary>The API server's base address, e.g. <c>https://10.96.0.1:443</c> (a path prefix is kept).</summary>
    public required Uri Server { get; init; }

    /// <summary>The namespace of the current context, or of the pod when in-cluster.</summary>
    public string? Namespace { get; init; }

    /// <summary>Supplies the bearer token for each request (null or empty: send none). Called per request; cache inside.</summary>
    public Func<CancellationToken, ValueTask<string?>>? TokenProvider { get; init; }

    /// <summary>Called once on a 401 before the single retry, so a file-backed provider re-reads its token.</summary>
    public Action? TokenInvalidated { get; init; }

    /// <summary>mTLS client certificate with its private key.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Trust anchors for the server certificate. When set, only these are trusted (no system roots).</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>Accept any server certificate. For tests and throw-away clusters only.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The name to verify the server certificate against instead of the host of <see cref="Server"/>.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>An HTTP(S) proxy (kubeconfig <c>proxy-url</c>); null: the process default (<c>HTTPS_PROXY</c>/<c>NO_PROXY</c>).</summary>
    public Uri? ProxyUrl { get; init; }

    /// <summary>Timeout of each non-watch call, including reading the response.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string UserAgent { get; init; } = "github-sts";

    /// <summary>Re-reads the CA bundle (in-cluster <c>ca.crt</c> rotates); when set it wins over <see cref="CaCertificates"/>.</summary>
    internal Func<X509Certificate2Collection?>? CaCertificatesProvider { get; init; }

    /// <summary>A provider for a fixed token.</summary>
    public static Func<CancellationToken, ValueTask<string?>> StaticToken(string token) =>
        _ => ValueTask.FromResult<string?>(token);

    internal X509Certificate2Collection? CurrentCaCertificates() => CaCertificatesProvider?.Invoke() ?? CaCertificates;
}
