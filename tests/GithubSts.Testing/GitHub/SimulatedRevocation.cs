namespace GithubSts.Testing.GitHub;

/// <summary>A DELETE /installation/token that revoked a live token.</summary>
public sealed record SimulatedRevocation(string Token, long InstallationId, DateTimeOffset RevokedAt);
