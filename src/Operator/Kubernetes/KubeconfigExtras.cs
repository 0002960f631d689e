using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// The two kubeconfig fields the KubernetesClient library's model lacks: a cluster's <c>proxy-url</c> and a user's
/// <c>tokenFile</c>. Read from the first file that defines the entry (the merge order); relative paths are relative to
/// that file.
/// </summary>
internal static class KubeconfigExtras
{
    public static Uri? ProxyUrl(IReadOnlyList<string> paths, string? clusterName, string contextName)
    {
        var value = Find(paths, "clusters", "cluster", clusterName, "proxy-url")?.Value;
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var proxy)
            ? proxy
            : throw new KubernetesConfigurationException($"kubeconfig: proxy-url of the cluster of context '{contextName}' is not a valid URL.");
    }

    public static string? TokenFile(IReadOnlyList<string> paths, string? userName) =>
        Find(paths, "users", "user", userName, "tokenFile") is { } found
            ? Path.GetFullPath(found.Value, Path.GetDirectoryName(Path.GetFullPath(found.File)) ?? string.Empty)
            : null;

    private static (string File, string Value)? Find(IReadOnlyList<string> paths, string section, string body, string? name, string field)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        foreach (var path in paths)
        {
            if (Entry(path, section, body, name) is not { } entry)
            {
                continue;
            }

            return entry.Children.TryGetValue(new YamlScalarNode(field), out var node) && node is YamlScalarNode { Value: { Length: > 0 } value }
                ? (path, value)
                : null;
        }

        return null;
    }

    private static YamlMappingNode? Entry(string path, string section, string body, string name)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or YamlException)
        {
            // The library has parsed this file already; anything odd here means the field is absent.
            return null;
        }

        if (stream.Documents.FirstOrDefault()?.RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode(section), out var entries)
            || entries is not YamlSequenceNode list)
        {
            return null;
        }

        foreach (var entry in list.Children.OfType<YamlMappingNode>())
        {
            if (entry.Children.TryGetValue(new YamlScalarNode("name"), out var entryName)
                && entryName is YamlScalarNode { Value: { } value } && string.Equals(value, name, StringComparison.Ordinal))
            {
                return entry.Children.TryGetValue(new YamlScalarNode(body), out var details) ? details as YamlMappingNode : null;
            }
        }

        return null;
    }
}
