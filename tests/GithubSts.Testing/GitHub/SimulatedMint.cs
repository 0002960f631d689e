namespace GithubSts.Testing.GitHub;

/// <summary>One access-token request the simulator answered with a token.</summary>
/// <param name="RequestJson">The request body exactly as received.</param>
/// <param name="RequestedPermissions">Null when the request omitted "permissions".</param>
/// <param name="RequestedRepositories">Null when the request omitted "repositories".</param>
/// <param name="Token">Empty when <see cref="MintTampering"/> withheld it.</param>
public sealed record SimulatedMint(
    long AppId,
    long InstallationId,
    string RequestJson,
    IReadOnlyDictionary<string, string>? RequestedPermissions,
    IReadOnlyList<string>? RequestedRepositories,
    string Token,
    IReadOnlyDictionary<string, string> GrantedPermissions,
    IReadOnlyList<string>? GrantedRepositories,
    DateTimeOffset ExpiresAt);
