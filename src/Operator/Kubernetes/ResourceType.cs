using System.Text;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// Identifies a REST resource: <paramref name="Group"/> (empty for the core group), <paramref name="Version"/>,
/// lower-case <paramref name="Plural"/>, <paramref name="Kind"/> and whether objects live in a namespace.
/// </summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    /// <summary><c>v1</c> for the core group, else <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>
    /// <c>/api/v1/…/plural</c> or <c>/apis/group/version/…/plural</c>; with <paramref name="ns"/> null a namespaced
    /// type's collection spans all namespaces. A namespace for a cluster-scoped type is an error.
    /// </summary>
    public string CollectionPath(string? ns)
    {
        if (!Namespaced && ns is not null)
        {
            throw new ArgumentException($"{Plural} are cluster-scoped; pass no namespace.", nameof(ns));
        }

        var path = new StringBuilder(Group.Length == 0 ? "/api/" : $"/apis/{Group}/").Append(Version);
        if (ns is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(ns);
            path.Append("/namespaces/").Append(Uri.EscapeDataString(ns));
        }

        return path.Append('/').Append(Plural).ToString();
    }

    /// <summary>The path of one object, optionally of a subresource such as <c>status</c>.</summary>
    public string ItemPath(string? ns, string name, string? subresource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Namespaced && string.IsNullOrEmpty(ns))
        {
            throw new ArgumentException($"{Plural} are namespaced; a namespace is required.", nameof(ns));
        }

        var path = CollectionPath(ns) + "/" + Uri.EscapeDataString(name);
        return subresource is null ? path : path + "/" + subresource;
    }
}
