namespace GithubSts.Exchange.Policies.Explaining;

/// <summary>One rule of a policy next to the token's value.</summary>
/// <param name="Passed">Null for what the policy grants (permissions, repositories), which the token does not decide.</param>
public sealed record ExplainStep(string Rule, string Expected, string Actual, bool? Passed);
