namespace GithubSts.Exchange.GitHub;

/// <summary>What GET /app reports about the authenticated App.</summary>
public sealed record GitHubAppInfo(long Id, string Slug);
