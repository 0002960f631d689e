namespace GithubSts.Exchange.GitHub;

/// <summary>A freshly minted installation access token and what GitHub says it grants.</summary>
/// <param name="Token">Opaque: no length or format is assumed (GitHub's stateless tokens are longer than 40 characters).</param>
/// <param name="Repositories">Repository names the token is limited to; null when GitHub listed none (org-wide grant).</param>
public sealed record InstallationToken(
    string Token,
    DateTimeOffset ExpiresAt,
    IReadOnlyDictionary<string, string> Permissions,
    IReadOnlyList<string>? Repositories,
    string? RepositorySelection)
{
    // The token is a credential: keep it out of anything that formats the record.
    public override string ToString() =>
        $"InstallationToken {{ ExpiresAt = {ExpiresAt:O}, Permissions = {Permissions.Count}, RepositorySelection = {RepositorySelection} }}";
}
