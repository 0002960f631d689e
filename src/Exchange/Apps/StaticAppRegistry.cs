using System.Collections.Frozen;

namespace GithubSts.Exchange.Apps;

/// <summary>Apps from the configuration file; fixed for the life of the process.</summary>
public sealed class StaticAppRegistry : IGitHubAppRegistry
{
    public const string DefaultAppName = "default";

    private readonly FrozenDictionary<string, GitHubAppRuntime> _byName;
    private readonly GitHubAppRuntime? _default;

    public StaticAppRegistry(IReadOnlyList<GitHubAppRuntime> apps)
    {
        Apps = apps;
        _byName = apps.ToFrozenDictionary(a => a.Name, StringComparer.Ordinal);
        _default = apps.Count == 1 ? apps[0] : _byName.GetValueOrDefault(DefaultAppName);
    }

    public IReadOnlyCollection<GitHubAppRuntime> Apps { get; }

    public AppSelection Select(string? name) => SelectFrom(_byName, _default, name);

    internal static AppSelection SelectFrom(
        IReadOnlyDictionary<string, GitHubAppRuntime> byName, GitHubAppRuntime? defaultApp, string? name)
    {
        if (name is null)
        {
            return defaultApp is null
                ? new AppSelection(AppSelectionResult.NameRequired, null)
                : new AppSelection(AppSelectionResult.Selected, defaultApp);
        }

        return byName.TryGetValue(name, out var app)
            ? new AppSelection(AppSelectionResult.Selected, app)
            : new AppSelection(AppSelectionResult.Unknown, null);
    }
}
