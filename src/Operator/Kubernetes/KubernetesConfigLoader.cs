using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// Finds the API server: an explicit kubeconfig, else in-cluster service-account files, else <c>KUBECONFIG</c>, else
/// <c>~/.kube/config</c>. Supports token, tokenFile and client-certificate users; refuses exec, auth-provider,
/// basic auth and impersonation with a <see cref="KubernetesConfigurationException"/>.
/// </summary>
public static class KubernetesConfigLoader
{
    public const string DefaultInClusterRoot = "/var/run/secrets/kubernetes.io/serviceaccount";
    private const int MaxKubeconfigBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Returns null when nothing is configured. Throws <see cref="KubernetesConfigurationException"/> when
    /// <paramref name="explicitKubeconfig"/> is missing or unusable, or a discovered kubeconfig is broken.
    /// </summary>
    /// <param name="explicitKubeconfig">The <c>--kubeconfig</c> path, if given.</param>
    /// <param name="environment">The process environment (<c>KUBERNETES_SERVICE_HOST/PORT</c>, <c>POD_NAMESPACE</c>, <c>KUBECONFIG</c>, <c>HOME</c>).</param>
    /// <param name="inClusterRoot">Where the service-account files are (tests); default <see cref="DefaultInClusterRoot"/>.</param>
    public static KubernetesClientConfiguration? Load(
        string? explicitKubeconfig, IReadOnlyDictionary<string, string> environment, string? inClusterRoot = null) =>
        Load(explicitKubeconfig, environment, inClusterRoot, TimeProvider.System);

    internal static KubernetesClientConfiguration? Load(
        string? explicitKubeconfig, IReadOnlyDictionary<string, string> environment, string? inClusterRoot, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(explicitKubeconfig))
        {
            if (!File.Exists(explicitKubeconfig))
            {
                throw new KubernetesConfigurationException($"The kubeconfig '{explicitKubeconfig}' does not exist.");
            }

            return LoadKubeconfig([explicitKubeconfig], time)
                ?? throw new KubernetesConfigurationException($"The kubeconfig '{explicitKubeconfig}' has no current-context.");
        }

        var inCluster = LoadInCluster(environment, inClusterRoot ?? DefaultInClusterRoot, time);
        if (inCluster is not null)
        {
            return inCluster;
        }

        if (environment.GetValueOrDefault("KUBECONFIG") is { Length: > 0 } list)
        {
            // client-go: when KUBECONFIG is set, only its files count (missing ones are skipped).
            var files = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(File.Exists)
                .ToList();
            return files.Count == 0 ? null : LoadKubeconfig(files, time);
        }

        var home = environment.GetValueOrDefault("HOME") ?? environment.GetValueOrDefault("USERPROFILE");
        if (string.IsNullOrEmpty(home))
        {
            return null;
        }

        var defaultPath = Path.Combine(home, ".kube", "config");
        return File.Exists(defaultPath) ? LoadKubeconfig([defaultPath], time) : null;
    }

    /// <summary>
    /// The in-cluster configuration, or null when not in a pod (<c>KUBERNETES_SERVICE_HOST/PORT</c> unset or no token file).
    /// The token is re-read every minute and after a 401; <c>ca.crt</c> every 5 minutes.
    /// </summary>
    public static KubernetesClientConfiguration? LoadInCluster(IReadOnlyDictionary<string, string> environment, string root) =>
        LoadInCluster(environment, root, TimeProvider.System);

    internal static KubernetesClientConfiguration? LoadInCluster(IReadOnlyDictionary<string, string> environment, string root, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var host = environment.GetValueOrDefault("KUBERNETES_SERVICE_HOST");
        var port = environment.GetValueOrDefault("KUBERNETES_SERVICE_PORT");
        var tokenPath = Path.Combine(root, "token");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port) || !File.Exists(tokenPath))
        {
            return null;
        }

        if (IsIPv6Literal(host))
        {
            host = $"[{host}]";
        }

        if (!Uri.TryCreate($"https://{host}:{port}", UriKind.Absolute, out var server))
        {
            throw new KubernetesConfigurationException($"KUBERNETES_SERVICE_HOST/PORT ('{host}', '{port}') do not form a valid address.");
        }

        var caPath = Path.Combine(root, "ca.crt");
        Func<X509Certificate2Collection?>? caProvider = null;
        X509Certificate2Collection? ca = null;
        if (File.Exists(caPath))
        {
            ca = CaBundle.Parse(ReadText(caPath), caPath);
            caProvider = CaBundle.Reloading(caPath, ca, time);
        }

        var ns = environment.GetValueOrDefault("POD_NAMESPACE");
        var nsPath = Path.Combine(root, "namespace");
        if (string.IsNullOrEmpty(ns) && File.Exists(nsPath))
        {
            ns = ReadText(nsPath).Trim();
        }

        var tokens = new FileTokenSource(tokenPath, time);
        return new KubernetesClientConfiguration
        {
            Server = server,
            Namespace = string.IsNullOrEmpty(ns) ? "default" : ns,
            TokenProvider = tokens.GetAsync,
            TokenInvalidated = tokens.Invalidate,
            CaCertificates = ca,
            CaCertificatesProvider = caProvider,
        };
    }

    /// <summary>
    /// Merges kubeconfig files (the first file to define a name or <c>current-context</c> wins) and resolves the
    /// current context. Returns null when no file sets <c>current-context</c>.
    /// </summary>
    public static KubernetesClientConfiguration? LoadKubeconfig(IReadOnlyList<string> paths) => LoadKubeconfig(paths, TimeProvider.System);

    internal static KubernetesClientConfiguration? LoadKubeconfig(IReadOnlyList<string> paths, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var clusters = new Dictionary<string, KubeconfigCluster>(StringComparer.Ordinal);
        var users = new Dictionary<string, KubeconfigUser>(StringComparer.Ordinal);
        var contexts = new Dictionary<string, KubeconfigContext>(StringComparer.Ordinal);
        string? currentContext = null;
        foreach (var path in paths)
        {
            var document = Parse(path);
            var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty;
            foreach (var entry in document.Clusters ?? [])
            {
                if (entry.Name is { Length: > 0 } name && entry.Cluster is { } cluster && !clusters.ContainsKey(name))
                {
                    cluster.BaseDirectory = directory;
                    clusters.Add(name, cluster);
                }
            }

            foreach (var entry in document.Users ?? [])
            {
                if (entry.Name is { Length: > 0 } name && !users.ContainsKey(name))
                {
                    var user = entry.User ?? new KubeconfigUser();
                    user.BaseDirectory = directory;
                    users.Add(name, user);
                }
            }

            foreach (var entry in document.Contexts ?? [])
            {
                if (entry.Name is { Length: > 0 } name && entry.Context is { } context)
                {
                    contexts.TryAdd(name, context);
                }
            }

            if (string.IsNullOrEmpty(currentContext))
            {
                currentContext = document.CurrentContext;
            }
        }

        if (string.IsNullOrEmpty(currentContext))
        {
            return null;
        }

        if (!contexts.TryGetValue(currentContext, out var current))
        {
            throw new KubernetesConfigurationException($"kubeconfig: current-context '{currentContext}' is not defined.");
        }

        if (string.IsNullOrEmpty(current.Cluster) || !clusters.TryGetValue(current.Cluster, out var clusterEntry))
        {
            throw new KubernetesConfigurationException($"kubeconfig: context '{currentContext}' names an undefined cluster '{current.Cluster}'.");
        }

        KubeconfigUser? userEntry = null;
        if (!string.IsNullOrEmpty(current.User) && !users.TryGetValue(current.User, out userEntry))
        {
            throw new KubernetesConfigurationException($"kubeconfig: context '{currentContext}' names an undefined user '{current.User}'.");
        }

        return Build(currentContext, current, clusterEntry, userEntry, time);
    }

    private static KubernetesClientConfiguration Build(
        string contextName, KubeconfigContext context, KubeconfigCluster cluster, KubeconfigUser? user, TimeProvider time)
    {
        if (!Uri.TryCreate(cluster.Server, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
        {
            throw new KubernetesConfigurationException($"kubeconfig: the cluster of context '{contextName}' has no valid https server address.");
        }

        X509Certificate2Collection? ca = null;
        if (!string.IsNullOrEmpty(cluster.CertificateAuthorityData))
        {
            ca = CaBundle.Parse(DecodeBase64(cluster.CertificateAuthorityData, "certificate-authority-data"), "certificate-authority-data");
        }
        else if (!string.IsNullOrEmpty(cluster.CertificateAuthority))
        {
            var caPath = Resolve(cluster.BaseDirectory, cluster.CertificateAuthority);
            ca = CaBundle.Parse(ReadText(caPath), caPath);
        }

        Uri? proxy = null;
        if (!string.IsNullOrEmpty(cluster.ProxyUrl) && !Uri.TryCreate(cluster.ProxyUrl, UriKind.Absolute, out proxy))
        {
            throw new KubernetesConfigurationException($"kubeconfig: proxy-url of the cluster of context '{contextName}' is not a valid URL.");
        }

        Func<CancellationToken, ValueTask<string?>>? tokenProvider = null;
        Action? tokenInvalidated = null;
        X509Certificate2? clientCertificate = null;
        if (user is not null)
        {
            RefuseUnsupported(user, contextName);
            if (!string.IsNullOrEmpty(user.Token))
            {
                tokenProvider = KubernetesClientConfiguration.StaticToken(user.Token);
            }
            else if (!string.IsNullOrEmpty(user.TokenFile))
            {
                var tokens = new FileTokenSource(Resolve(user.BaseDirectory, user.TokenFile), time);
                tokenProvider = tokens.GetAsync;
                tokenInvalidated = tokens.Invalidate;
            }

            clientCertificate = LoadClientCertificate(user, contextName);
        }

        return new KubernetesClientConfiguration
        {
            Server = server,
            Namespace = string.IsNullOrEmpty(context.Namespace) ? "default" : context.Namespace,
            TokenProvider = tokenProvider,
            TokenInvalidated = tokenInvalidated,
            ClientCertificate = clientCertificate,
            CaCertificates = ca,
            InsecureSkipTlsVerify = cluster.InsecureSkipTlsVerify ?? false,
            TlsServerName = string.IsNullOrEmpty(cluster.TlsServerName) ? null : cluster.TlsServerName,
            ProxyUrl = proxy,
        };
    }

    private static void RefuseUnsupported(KubeconfigUser user, string contextName)
    {
        var unsupported = user.Exec is not null ? "exec credential plugins"
            : user.AuthProvider is not null ? "auth-provider"
            : !string.IsNullOrEmpty(user.Username) ? "username/password"
            : !string.IsNullOrEmpty(user.Impersonate) ? "impersonation (as)"
            : null;
        if (unsupported is not null)
        {
            throw new KubernetesConfigurationException(
                $"kubeconfig: the user of context '{contextName}' uses {unsupported}, which github-sts does not support; use a token, tokenFile or client certificate.");
        }
    }

    private static X509Certificate2? LoadClientCertificate(KubeconfigUser user, string contextName)
    {
        var certPem = !string.IsNullOrEmpty(user.ClientCertificateData) ? DecodeBase64(user.ClientCertificateData, "client-certificate-data")
            : !string.IsNullOrEmpty(user.ClientCertificate) ? ReadText(Resolve(user.BaseDirectory, user.ClientCertificate))
            : null;
        var keyPem = !string.IsNullOrEmpty(user.ClientKeyData) ? DecodeBase64(user.ClientKeyData, "client-key-data")
            : !string.IsNullOrEmpty(user.ClientKey) ? ReadText(Resolve(user.BaseDirectory, user.ClientKey))
            : null;
        if (certPem is null && keyPem is null)
        {
            return null;
        }

        if (certPem is null || keyPem is null)
        {
            throw new KubernetesConfigurationException($"kubeconfig: the user of context '{contextName}' has a client certificate without a key, or a key without a certificate.");
        }

        try
        {
            using var ephemeral = X509Certificate2.CreateFromPem(certPem, keyPem);

            // A PKCS#12 round trip gives the key a form every TLS backend can use for client authentication.
            return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException ex)
        {
            throw new KubernetesConfigurationException($"kubeconfig: the client certificate or key of context '{contextName}' is not valid PEM.", ex);
        }
    }

    private static KubeconfigDocument Parse(string path)
    {
        var deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
        try
        {
            return deserializer.Deserialize<KubeconfigDocument?>(ReadText(path)) ?? new KubeconfigDocument();
        }
        catch (YamlException ex)
        {
            throw new KubernetesConfigurationException(
                $"The kubeconfig '{path}' is not valid (line {ex.Start.Line}): {(ex.InnerException?.Message ?? ex.Message).Split('\n')[0]}", ex);
        }
    }

    private static string ReadText(string path)
    {
        try
        {
            var file = new FileInfo(path);
            if (file.Exists && file.Length > MaxKubeconfigBytes)
            {
                throw new KubernetesConfigurationException($"'{path}' is larger than {MaxKubeconfigBytes} bytes.");
            }

            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubernetesConfigurationException($"'{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static string DecodeBase64(string value, string field)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException ex)
        {
            throw new KubernetesConfigurationException($"kubeconfig: {field} is not valid base64.", ex);
        }
    }

    private static string Resolve(string baseDirectory, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));

    private static bool IsIPv6Literal(string host) =>
        System.Net.IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
}
