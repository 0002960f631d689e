namespace GithubSts.Exchange.PolicySources;

/// <summary>
/// A policy read was not attempted to protect GitHub quota (per-owner budget spent, or the App's rate limit is down to
/// the reserve kept for mints). Nothing was sent to GitHub; the exchange fails closed with a retryable answer.
/// </summary>
public sealed class PolicyReadRefusedException(string reasonCode, TimeSpan retryAfter, string message) : Exception(message)
{
    public const string OwnerBudgetExhausted = "policy_read_budget_exhausted";
    public const string UnknownOwnerBudgetExhausted = "policy_read_unknown_owner_budget_exhausted";
    public const string RateLimitReserve = "policy_read_rate_limit_reserve";

    /// <summary>A stable reason code for logs, audit and metrics.</summary>
    public string ReasonCode { get; } = reasonCode;

    public TimeSpan RetryAfter { get; } = retryAfter;
}
