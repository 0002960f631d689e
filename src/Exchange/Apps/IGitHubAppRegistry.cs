namespace GithubSts.Exchange.Apps;

/// <summary>The Apps available for minting. Implementations publish immutable snapshots; reads never lock.</summary>
public interface IGitHubAppRegistry
{
    IReadOnlyCollection<GitHubAppRuntime> Apps { get; }

    /// <summary>
    /// Picks the app named by the request, or the default: the only app, else the one named <c>default</c>.
    /// </summary>
    AppSelection Select(string? name);
}

public enum AppSelectionResult
{
    Selected,
    Unknown,
    NameRequired,
}

public readonly record struct AppSelection(AppSelectionResult Result, GitHubAppRuntime? App);
