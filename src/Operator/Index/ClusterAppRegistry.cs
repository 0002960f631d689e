using System.Collections.Immutable;
using GithubSts.Exchange.Apps;

namespace GithubSts.Operator.Index;

/// <summary>
/// Apps from the configuration file plus Apps from <c>GitHubApp</c> resources. Configured apps win a name clash.
/// Like the policy index, readers see an immutable snapshot and writers swap a new one in.
/// </summary>
public sealed class ClusterAppRegistry : IGitHubAppRegistry
{
    private readonly ImmutableDictionary<string, GitHubAppRuntime> _configured;
    private readonly Lock _writeLock = new();
    private volatile Snapshot _snapshot;

    public ClusterAppRegistry(IEnumerable<GitHubAppRuntime> configured)
    {
        _configured = configured.ToImmutableDictionary(a => a.Name, StringComparer.Ordinal);
        _snapshot = Snapshot.Create(_configured, ImmutableDictionary<string, GitHubAppRuntime>.Empty.WithComparers(StringComparer.Ordinal));
    }

    public IReadOnlyCollection<GitHubAppRuntime> Apps => _snapshot.All;

    public AppSelection Select(string? name)
    {
        var snapshot = _snapshot;
        return StaticAppRegistry.SelectFrom(snapshot.ByName, snapshot.Default, name);
    }

    public bool IsConfigured(string name) => _configured.ContainsKey(name);

    public bool TryGetCluster(string name, out GitHubAppRuntime app) => _snapshot.Cluster.TryGetValue(name, out app!);

    public void SetClusterApp(GitHubAppRuntime app)
    {
        lock (_writeLock)
        {
            _snapshot = Snapshot.Create(_configured, _snapshot.Cluster.SetItem(app.Name, app));
        }
    }

    public void RemoveClusterApp(string name)
    {
        lock (_writeLock)
        {
            _snapshot = Snapshot.Create(_configured, _snapshot.Cluster.Remove(name));
        }
    }

    private sealed record Snapshot(
        ImmutableDictionary<string, GitHubAppRuntime> Cluster,
        IReadOnlyDictionary<string, GitHubAppRuntime> ByName,
        GitHubAppRuntime? Default,
        IReadOnlyCollection<GitHubAppRuntime> All)
    {
        public static Snapshot Create(ImmutableDictionary<string, GitHubAppRuntime> configured, ImmutableDictionary<string, GitHubAppRuntime> cluster)
        {
            var byName = cluster.SetItems(configured);
            var all = byName.Values.ToArray();
            var defaultApp = all.Length == 1 ? all[0] : byName.GetValueOrDefault(StaticAppRegistry.DefaultAppName);
            return new Snapshot(cluster, byName, defaultApp, all);
        }
    }
}
