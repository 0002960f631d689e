namespace GithubSts.Exchange.Policies;

/// <summary>The outcome of evaluating a trust policy.</summary>
/// <param name="Detail">For the server log only: may name a claim, never contains policy patterns or claim values.</param>
public readonly record struct PolicyDecision(PolicyDenialReason Reason, string? Detail)
{
    public bool Allowed => Reason == PolicyDenialReason.None;

    public static PolicyDecision Allow { get; } = new(PolicyDenialReason.None, null);
}
