namespace GithubSts.Exchange.Policies;

/// <summary>A regular expression in a policy was rejected by <see cref="PolicyPattern"/>.</summary>
public sealed class PolicyPatternException : Exception
{
    public PolicyPatternException(PolicyError error)
        : base(error?.ToString(), null)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public PolicyError Error { get; }
}
