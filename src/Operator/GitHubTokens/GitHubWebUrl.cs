namespace GithubSts.Operator.GitHubTokens;

/// <summary>The web (git over https) root of an App's GitHub: <c>https://github.com/</c> for <c>https://api.github.com/</c>, the host for GHES.</summary>
public static class GitHubWebUrl
{
    public static Uri For(Uri apiBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(apiBaseUrl);
        var builder = new UriBuilder(apiBaseUrl) { Path = "/", Query = string.Empty, Fragment = string.Empty };
        if (builder.Host.StartsWith("api.", StringComparison.OrdinalIgnoreCase))
        {
            // github.com and GHE.com data residency (api.SUBDOMAIN.ghe.com → SUBDOMAIN.ghe.com).
            builder.Host = builder.Host["api.".Length..];
        }

        return builder.Uri;
    }
}
