namespace GithubSts.Exchange.Policies;

/// <summary>
/// Recognises GitHub Actions token issuers: github.com's (also with an enterprise slug path), GHE.com's
/// (<c>token.actions.SUBDOMAIN.ghe.com</c>) and GitHub Enterprise Server's (<c>https://HOST/_services/token</c>).
/// Their subjects all have the form <c>repo:OWNER/REPO:…</c> and every repository on the platform can obtain one.
/// </summary>
internal static class ActionsIssuers
{
    public const string GitHubDotCom = "https://token.actions.githubusercontent.com";

    // Issuers an issuer pattern is tried against; a GHES pattern names its host, so its path is checked as text.
    private static readonly string[] PatternProbes = [GitHubDotCom, GitHubDotCom + "/zz-probe-enterprise"];

    public static bool IsActionsIssuer(string issuer)
    {
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var host = uri.Host;
        return string.Equals(host, "token.actions.githubusercontent.com", StringComparison.OrdinalIgnoreCase)
            || (host.StartsWith("token.actions.", StringComparison.OrdinalIgnoreCase) && host.EndsWith(".ghe.com", StringComparison.OrdinalIgnoreCase))
            || uri.AbsolutePath.TrimEnd('/').EndsWith("/_services/token", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether an issuer rule can accept an Actions issuer (exact value, or a pattern that matches one).</summary>
    public static bool CanBeActionsIssuer(string? exact, string? pattern, MatchRule rule)
    {
        if (exact is not null)
        {
            return IsActionsIssuer(exact);
        }

        return pattern is not null
            && (Array.Exists(PatternProbes, rule.IsMatch)
                || pattern.Contains("_services", StringComparison.OrdinalIgnoreCase)
                || pattern.Contains("token\\.actions", StringComparison.OrdinalIgnoreCase)
                || pattern.Contains("githubusercontent", StringComparison.OrdinalIgnoreCase));
    }
}
