namespace GithubSts.Exchange.Policies.Explaining;

/// <summary>Every rule of a policy checked against one token, and the evaluator's verdict.</summary>
public sealed record PolicyExplanation(IReadOnlyList<ExplainStep> Steps, PolicyDecision Decision, bool AudienceAssumed);
