using System.Security.Cryptography;

namespace GithubSts.Testing.GitHub;

/// <summary>A registered App: the public key its JWTs must verify against.</summary>
internal sealed class SimulatedApp(long id, string slug, RSA publicKey) : IDisposable
{
    public long Id { get; } = id;

    public string Slug { get; } = slug;

    /// <summary>RSA objects are not documented as thread-safe: verify under this lock.</summary>
    public Lock Gate { get; } = new();

    public RSA PublicKey { get; } = publicKey;

    /// <summary>JWTs whose signature verified under <see cref="PublicKey"/> (guarded by <see cref="Gate"/>).</summary>
    public HashSet<string> VerifiedJwts { get; } = new(StringComparer.Ordinal);

    public void Dispose() => PublicKey.Dispose();
}

/// <summary>An App installation on one account, with its repositories and permission ceiling.</summary>
internal sealed class SimulatedInstallation(
    long id, long appId, string accountLogin, string accountType, IReadOnlyList<string> repositories,
    IReadOnlyDictionary<string, string> permissions, string repositorySelection)
{
    public long Id { get; } = id;

    public long AppId { get; } = appId;

    public string AccountLogin { get; } = accountLogin;

    /// <summary>"Organization" or "User".</summary>
    public string AccountType { get; } = accountType;

    public IReadOnlyList<string> Repositories { get; } = repositories;

    public IReadOnlyDictionary<string, string> Permissions { get; } = permissions;

    public string RepositorySelection { get; } = repositorySelection;

    public bool IsAccount(string login) => string.Equals(AccountLogin, login, StringComparison.OrdinalIgnoreCase);

    public string? FindRepository(string name) =>
        Repositories.FirstOrDefault(r => string.Equals(r, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>An installation token the simulator issued.</summary>
internal sealed class IssuedToken(
    string token, SimulatedInstallation installation, IReadOnlyDictionary<string, string> permissions,
    IReadOnlyList<string>? repositories, DateTimeOffset expiresAt)
{
    public string Token { get; } = token;

    public SimulatedInstallation Installation { get; } = installation;

    public IReadOnlyDictionary<string, string> Permissions { get; } = permissions;

    /// <summary>Null: every repository of the installation.</summary>
    public IReadOnlyList<string>? Repositories { get; } = repositories;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public bool Revoked { get; set; }

    public bool Covers(string repository) =>
        Installation.FindRepository(repository) is not null
        && (Repositories is null || Repositories.Any(r => string.Equals(r, repository, StringComparison.OrdinalIgnoreCase)));
}

/// <summary>Permission level order used by GitHub: read &lt; write &lt; admin.</summary>
internal static class SimulatedPermissionLevels
{
    public static int? Rank(string? level) => level switch
    {
        "read" => 1,
        "write" => 2,
        "admin" => 3,
        _ => null,
    };
}
