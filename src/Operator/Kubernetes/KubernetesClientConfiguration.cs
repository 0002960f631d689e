namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// Where the API server is and how to authenticate to it. TLS and credentials (token, token file, exec and
/// auth-provider plugins, client certificates) are the KubernetesClient library's <see cref="Library"/> configuration,
/// so kubeconfig and in-cluster semantics are the library's; the rest is what our own REST client adds per call.
/// Build one with <see cref="KubernetesConfigLoader"/> or by hand.
/// </summary>
public sealed class KubernetesClientConfiguration
{
    /// <summary>The library configuration: <c>Host</c>, CA, client certificate, token provider, skip-TLS-verify, TLS server name.</summary>
    public required k8s.KubernetesClientConfiguration Library { get; init; }

    /// <summary>The API server's base address, e.g. <c>https://10.96.0.1:443</c> (a path prefix is kept).</summary>
    public Uri Server => new(Library.Host, UriKind.Absolute);

    /// <summary>The namespace of the current context, or of the pod when in-cluster.</summary>
    public string? Namespace => Library.Namespace;

    /// <summary>
    /// An HTTP(S) proxy (kubeconfig <c>proxy-url</c>, which the library does not read); null: the process default
    /// (<c>HTTPS_PROXY</c>/<c>NO_PROXY</c>).
    /// </summary>
    public Uri? ProxyUrl { get; init; }

    /// <summary>Timeout of each non-watch call, including reading the response.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string UserAgent { get; init; } = "github-sts";
}
