using k8s.KubeConfigModels;
using YamlDotNet.Serialization;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// Kubeconfig files read into the library's own model (<see cref="K8SConfiguration"/>), and several of them
/// (<c>KUBECONFIG</c>) merged: the library's merge is internal, so the client-go rule is applied here — the first file
/// to define a name or <c>current-context</c> wins.
/// </summary>
internal static class KubeconfigFiles
{
    private const long MaxKubeconfigBytes = 4 * 1024 * 1024;

    // Not the library's LoadKubeConfig: its YAML set-up maps every Kubernetes model type, measured at ~0.7 s and
    // ~50 MB of working set at start-up (scale bench: RSS 94 -> 129 MB with 100 policies). The model and everything
    // after parsing (credentials, plugins, certificates) stay the library's.
    private static readonly IDeserializer Yaml = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();

    public static K8SConfiguration LoadMerged(IReadOnlyList<string> paths)
    {
        var merged = Load(paths[0]);
        foreach (var path in paths.Skip(1))
        {
            var next = Load(path);
            var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? string.Empty;

            // The merged document resolves relative paths against the first file, so later files' paths become absolute.
            foreach (var cluster in next.Clusters ?? [])
            {
                if (cluster.ClusterEndpoint is { } endpoint)
                {
                    endpoint.CertificateAuthority = Absolute(directory, endpoint.CertificateAuthority);
                }
            }

            foreach (var user in next.Users ?? [])
            {
                if (user.UserCredentials is { } credentials)
                {
                    credentials.ClientCertificate = Absolute(directory, credentials.ClientCertificate);
                    credentials.ClientKey = Absolute(directory, credentials.ClientKey);
                }
            }

            merged.Clusters = FirstWins(merged.Clusters, next.Clusters, c => c.Name);
            merged.Users = FirstWins(merged.Users, next.Users, u => u.Name);
            merged.Contexts = FirstWins(merged.Contexts, next.Contexts, c => c.Name);
            if (string.IsNullOrEmpty(merged.CurrentContext))
            {
                merged.CurrentContext = next.CurrentContext;
            }
        }

        return merged;
    }

    private static K8SConfiguration Load(string path)
    {
        var file = new FileInfo(path);
        if (file.Exists && file.Length > MaxKubeconfigBytes)
        {
            throw new KubernetesConfigurationException($"'{path}' is larger than {MaxKubeconfigBytes} bytes.");
        }

        var document = Yaml.Deserialize<K8SConfiguration?>(File.ReadAllText(path)) ?? new K8SConfiguration();

        // What the library's useRelativePaths does: paths in the file are relative to its directory.
        document.FileName = file.FullName;
        return document;
    }

    private static List<T> FirstWins<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string?> name)
    {
        var result = (first ?? []).ToList();
        var seen = new HashSet<string>(result.Select(name).OfType<string>(), StringComparer.Ordinal);
        result.AddRange((second ?? []).Where(item => name(item) is { } n && seen.Add(n)));
        return result;
    }

    private static string? Absolute(string directory, string? path) =>
        string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(path, directory);
}
