using System.Security.Cryptography.X509Certificates;
using k8s.Authentication;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using LibraryConfiguration = k8s.KubernetesClientConfiguration;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// Finds the API server: an explicit kubeconfig, else in-cluster service-account files, else <c>KUBECONFIG</c>, else
/// <c>~/.kube/config</c>. Kubeconfig parsing, merging and every kind of user (token, tokenFile, client certificate,
/// exec and auth-provider plugins, basic auth) are the KubernetesClient library's; we add the search order,
/// <c>proxy-url</c> (the library ignores it) and a refusal of impersonation (the library would silently ignore it).
/// </summary>
public static class KubernetesConfigLoader
{
    public const string DefaultInClusterRoot = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>
    /// Returns null when nothing is configured. Throws <see cref="KubernetesConfigurationException"/> when
    /// <paramref name="explicitKubeconfig"/> is missing or unusable, or a discovered kubeconfig is broken.
    /// </summary>
    /// <param name="explicitKubeconfig">The <c>--kubeconfig</c> path, if given.</param>
    /// <param name="environment">The process environment (<c>KUBERNETES_SERVICE_HOST/PORT</c>, <c>POD_NAMESPACE</c>, <c>KUBECONFIG</c>, <c>HOME</c>).</param>
    /// <param name="inClusterRoot">Where the service-account files are (tests); default <see cref="DefaultInClusterRoot"/>.</param>
    public static KubernetesClientConfiguration? Load(
        string? explicitKubeconfig, IReadOnlyDictionary<string, string> environment, string? inClusterRoot = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(explicitKubeconfig))
        {
            if (!File.Exists(explicitKubeconfig))
            {
                throw new KubernetesConfigurationException($"The kubeconfig '{explicitKubeconfig}' does not exist.");
            }

            return LoadKubeconfig([explicitKubeconfig])
                ?? throw new KubernetesConfigurationException($"The kubeconfig '{explicitKubeconfig}' has no current-context.");
        }

        var inCluster = LoadInCluster(environment, inClusterRoot ?? DefaultInClusterRoot);
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
            return files.Count == 0 ? null : LoadKubeconfig(files);
        }

        var home = environment.GetValueOrDefault("HOME") ?? environment.GetValueOrDefault("USERPROFILE");
        if (string.IsNullOrEmpty(home))
        {
            return null;
        }

        var defaultPath = Path.Combine(home, ".kube", "config");
        return File.Exists(defaultPath) ? LoadKubeconfig([defaultPath]) : null;
    }

    /// <summary>
    /// The in-cluster configuration, or null when not in a pod (<c>KUBERNETES_SERVICE_HOST/PORT</c> unset or no token file).
    /// The library's <see cref="TokenFileAuth"/> re-reads the rotating token every minute.
    /// </summary>
    /// <remarks>
    /// The same pieces as the library's <c>InClusterConfig()</c>, which hard-codes the directory, reads the process
    /// environment, requires <c>ca.crt</c> and ignores <c>POD_NAMESPACE</c>.
    /// </remarks>
    public static KubernetesClientConfiguration? LoadInCluster(IReadOnlyDictionary<string, string> environment, string root)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var host = environment.GetValueOrDefault("KUBERNETES_SERVICE_HOST");
        var port = environment.GetValueOrDefault("KUBERNETES_SERVICE_PORT");
        var tokenPath = Path.Combine(root, "token");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port) || !File.Exists(tokenPath))
        {
            return null;
        }

        string server;
        try
        {
            // UriBuilder brackets IPv6 literals.
            server = new UriBuilder(Uri.UriSchemeHttps, host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).Uri.ToString();
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException or UriFormatException)
        {
            throw new KubernetesConfigurationException($"KUBERNETES_SERVICE_HOST/PORT ('{host}', '{port}') do not form a valid address.", ex);
        }

        var ns = environment.GetValueOrDefault("POD_NAMESPACE");
        var nsPath = Path.Combine(root, "namespace");
        if (string.IsNullOrEmpty(ns) && File.Exists(nsPath))
        {
            ns = Guard(() => File.ReadAllText(nsPath).Trim(), nsPath);
        }

        var caPath = Path.Combine(root, "ca.crt");
        return new KubernetesClientConfiguration
        {
            Library = new LibraryConfiguration
            {
                Host = server,
                Namespace = string.IsNullOrEmpty(ns) ? "default" : ns,
                TokenProvider = new TokenFileAuth(tokenPath),
                SslCaCerts = File.Exists(caPath) ? Guard(() => LoadPem(caPath), caPath) : null,
            },
        };
    }

    /// <summary>
    /// Merges kubeconfig files (the library's merge: the first file to define a name or <c>current-context</c> wins) and
    /// resolves the current context. Returns null when no file sets <c>current-context</c>.
    /// </summary>
    public static KubernetesClientConfiguration? LoadKubeconfig(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var source = string.Join(", ", paths.Select(p => $"'{p}'"));
        var document = Guard(() => KubeconfigFiles.LoadMerged(paths), source);
        if (string.IsNullOrEmpty(document.CurrentContext))
        {
            return null;
        }

        var context = document.Contexts?.FirstOrDefault(c => string.Equals(c.Name, document.CurrentContext, StringComparison.Ordinal))
            ?? throw new KubernetesConfigurationException($"kubeconfig: current-context '{document.CurrentContext}' is not defined.");
        var clusterName = context.ContextDetails?.Cluster;
        if (document.Clusters?.Any(c => string.Equals(c.Name, clusterName, StringComparison.Ordinal)) != true)
        {
            // The library would fail with a bare ArgumentNullException on a file without clusters.
            throw new KubernetesConfigurationException($"kubeconfig: context '{document.CurrentContext}' names an undefined cluster '{clusterName}'.");
        }

        var userName = context.ContextDetails?.User;
        var user = document.Users?.FirstOrDefault(u => string.Equals(u.Name, userName, StringComparison.Ordinal))?.UserCredentials;
        if (user is not null && (!string.IsNullOrEmpty(user.Impersonate) || user.ImpersonateGroups?.Any() == true))
        {
            throw new KubernetesConfigurationException(
                $"kubeconfig: the user of context '{document.CurrentContext}' uses impersonation (as), which github-sts does not support.");
        }

        // The library has no tokenFile (it would refuse the user as credential-less): build without the user and give
        // the configuration the library's own file-token provider, which re-reads the file every minute.
        var tokenFile = KubeconfigExtras.TokenFile(paths, userName);
        if (tokenFile is not null && context.ContextDetails is { } details && user is not null && !HasLibraryCredentials(user))
        {
            details.User = null;
        }
        else
        {
            tokenFile = null;
        }

        var library = Guard(() => LibraryConfiguration.BuildConfigFromConfigObject(document), source);
        if (tokenFile is not null)
        {
            library.TokenProvider = new TokenFileAuth(tokenFile);
        }

        if (string.IsNullOrEmpty(library.Namespace))
        {
            library.Namespace = "default";
        }

        if (!Uri.TryCreate(library.Host, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
        {
            throw new KubernetesConfigurationException($"kubeconfig: the cluster of context '{document.CurrentContext}' has no valid https server address.");
        }

        return new KubernetesClientConfiguration
        {
            Library = library,
            ProxyUrl = KubeconfigExtras.ProxyUrl(paths, clusterName, document.CurrentContext),
        };
    }

    private static bool HasLibraryCredentials(UserCredentials user) =>
        !string.IsNullOrEmpty(user.Token) || !string.IsNullOrEmpty(user.UserName) || user.AuthProvider is not null
        || user.ExternalExecution is not null || !string.IsNullOrEmpty(user.ClientCertificateData) || !string.IsNullOrEmpty(user.ClientCertificate);

    // What the library's InClusterConfig does with ca.crt (its CertUtils is internal).
    private static X509Certificate2Collection LoadPem(string path)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(File.ReadAllText(path));
        return bundle;
    }

    private static T Guard<T>(Func<T> load, string source)
    {
        try
        {
            return load();
        }
        catch (KubeConfigException ex)
        {
            throw new KubernetesConfigurationException($"kubeconfig {source}: {ex.Message}", ex);
        }
        catch (YamlException ex)
        {
            throw new KubernetesConfigurationException(
                $"The kubeconfig {source} is not valid (line {ex.Start.Line}): {(ex.InnerException?.Message ?? ex.Message).Split('\n')[0]}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException
            or System.Security.Cryptography.CryptographicException or KubernetesClientException)
        {
            throw new KubernetesConfigurationException($"{source} cannot be used: {ex.Message}", ex);
        }
    }
}
