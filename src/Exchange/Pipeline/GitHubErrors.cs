using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.GitHub.Signing;

namespace GithubSts.Exchange.Pipeline;

/// <summary>Maps GitHub client failures to caller-visible failure classes. Upstream bodies never travel further.</summary>
internal static class GitHubErrors
{
    public static ExchangeException ToExchangeException(GitHubApiException e, string operation) => e switch
    {
        AppSignerException signer => ExchangeException.SignerUnavailable(signer.ReasonCode, $"App JWT not signed while {operation}: {signer.Message}", e),
        GitHubRateLimitedException limited => ExchangeException.RateLimited(limited.RetryAfter, $"GitHub rate limit while {operation}", e),
        GitHubNotFoundException => ExchangeException.AccessDenied("installation_not_found", $"GitHub App not installed / target not found while {operation}", e),
        GitHubUnprocessableException => ExchangeException.AccessDenied("github_refused_grant", $"GitHub refused the grant (422) while {operation}", e),
        GitHubUnavailableException { StatusCode: null } => ExchangeException.GitHubUnavailable($"GitHub unreachable while {operation}", e),
        _ => ExchangeException.GitHubError($"GitHub answered {e.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "badly"} while {operation}", e),
    };
}
