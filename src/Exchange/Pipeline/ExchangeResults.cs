using GithubSts.Exchange.GitHub.Signing;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Pipeline;

/// <summary>
/// The <c>result</c> of an exchange, one name for the audit line and the metric label alike: <c>success</c> or the
/// failure class in snake_case. Kept here, not in either consumer, so the two cannot drift apart again.
/// </summary>
public static class ExchangeResults
{
    public const string Success = "success";

    /// <summary>The reason recorded for a successful exchange (metrics need a value; audit lines omit it).</summary>
    public const string NoReason = "none";

    /// <summary><see cref="ExchangeErrorKind"/> in snake_case (<c>AccessDenied</c> → <c>access_denied</c>).</summary>
    public static string NameOf(ExchangeErrorKind kind) => kind switch
    {
        ExchangeErrorKind.InvalidRequest => "invalid_request",
        ExchangeErrorKind.InvalidScope => "invalid_scope",
        ExchangeErrorKind.InvalidTarget => "invalid_target",
        ExchangeErrorKind.InvalidToken => "invalid_token",
        ExchangeErrorKind.AccessDenied => "access_denied",
        ExchangeErrorKind.RateLimited => "rate_limited",
        ExchangeErrorKind.IdentityProviderUnavailable => "identity_provider_unavailable",
        ExchangeErrorKind.GitHubUnavailable => "github_unavailable",
        ExchangeErrorKind.SignerUnavailable => "signer_unavailable",
        ExchangeErrorKind.GitHubError => "github_error",
        ExchangeErrorKind.Replayed => "replayed",
        ExchangeErrorKind.ReplayStoreUnavailable => "replay_store_unavailable",
        ExchangeErrorKind.ClientDisconnected => "client_disconnected",

        // Unreachable while every kind is listed above (a unit test checks that).
        _ => "other",
    };

    public static string NameOf(ExchangeOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Error is { } error ? NameOf(error.Kind) : Success;
    }

    /// <summary>
    /// Whether the failure is the identity token itself being refused (validation, not a later refusal that happens
    /// to name the token, such as <c>token_replayed</c>).
    /// </summary>
    public static bool IsTokenValidationError(ExchangeException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Kind == ExchangeErrorKind.InvalidToken && error.ReasonCode.StartsWith("token_", StringComparison.Ordinal);
    }

    /// <summary>
    /// Every (result, reason) pair whose reason is fixed in code rather than chosen at the call site: the success, the
    /// failure classes with a single reason, every token rejection and every policy denial. Metrics start these at 0.
    /// </summary>
    public static IReadOnlyList<(string Result, string Reason)> KnownInAdvance() => Known.Value;

    /// <summary>The <c>reason</c> of every token validation error (<c>token_expired</c>…).</summary>
    public static IEnumerable<string> TokenValidationReasons() =>
        Enum.GetValues<TokenRejectionReason>().Select(ReasonCodes.For);

    private static readonly Lazy<IReadOnlyList<(string Result, string Reason)>> Known = new(() =>
    {
        ExchangeException[] fixedReasons =
        [
            ExchangeException.InvalidScope(),
            ExchangeException.InvalidToken("missing_token", string.Empty),
            ExchangeException.AccessDenied(ReasonCodes.PolicyNotFound, string.Empty),
            ExchangeException.AccessDenied(ReasonCodes.PolicyExceedsApp, string.Empty),
            ExchangeException.RateLimited(TimeSpan.Zero, string.Empty),
            ExchangeException.IdentityProviderUnavailable(string.Empty),
            ExchangeException.GitHubUnavailable(string.Empty),
            ExchangeException.GitHubError(string.Empty),
            ExchangeException.SignerUnavailable(AppSignerException.ReasonFor(AppSignerFailure.Unavailable), string.Empty),
            ExchangeException.SignerUnavailable(AppSignerException.ReasonFor(AppSignerFailure.AccessDenied), string.Empty),
            ExchangeException.Replayed(),
            ExchangeException.ReplayStoreUnavailable(string.Empty),
            ExchangeException.ClientDisconnected(ReasonCodes.AbortedBeforeMint, string.Empty),
            ExchangeException.ClientDisconnected(ReasonCodes.NotDelivered, string.Empty),
        ];
        var invalidToken = NameOf(ExchangeErrorKind.InvalidToken);
        var accessDenied = NameOf(ExchangeErrorKind.AccessDenied);
        var policyDenials = Enum.GetValues<PolicyDenialReason>()
            .Where(r => r != PolicyDenialReason.None)
            .Select(r => (r == PolicyDenialReason.AudienceNotForService ? invalidToken : accessDenied, ReasonCodes.For(r)));
        return (IReadOnlyList<(string, string)>)
        [
            (Success, NoReason),
            .. fixedReasons.Select(e => (NameOf(e.Kind), e.ReasonCode)),
            .. TokenValidationReasons().Select(reason => (invalidToken, reason)),
            .. policyDenials,
        ];
    });
}
