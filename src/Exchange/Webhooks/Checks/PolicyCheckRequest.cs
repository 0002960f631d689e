using GithubSts.Exchange.Apps;

namespace GithubSts.Exchange.Webhooks.Checks;

/// <summary>One check run to produce: which App and installation, which commit, and which files (or what to compare).</summary>
/// <param name="ChangedPaths">The paths a push changed at <paramref name="HeadSha"/>; null: compare <paramref name="BaseSha"/> with it.</param>
internal sealed record PolicyCheckRequest(
    GitHubAppRuntime App, long InstallationId, string Owner, string Repository, string HeadSha, string? BaseSha,
    IReadOnlyList<string>? ChangedPaths);

internal enum PolicyCheckOutcome
{
    /// <summary>No changed file concerns the policies: nothing was posted.</summary>
    NothingToCheck,
    Success,
    Failure,

    /// <summary>The installation lacks <c>checks: write</c>: logged, nothing posted.</summary>
    NotPermitted,

    /// <summary>The installation is not this App's installation on the repository's owner.</summary>
    UnknownInstallation,
}
