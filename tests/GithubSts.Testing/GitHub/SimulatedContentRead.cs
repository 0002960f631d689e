namespace GithubSts.Testing.GitHub;

/// <summary>One request that reached the contents endpoint, served or not.</summary>
/// <param name="Path">The decoded file path from the URL.</param>
/// <param name="Query">The raw query string, e.g. "?ref=x"; empty when none was sent.</param>
/// <param name="RawTarget">The request target exactly as sent, before any normalisation.</param>
public sealed record SimulatedContentRead(string Owner, string Repository, string Path, string Query, string RawTarget);
