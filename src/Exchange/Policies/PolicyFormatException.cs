namespace GithubSts.Exchange.Policies;

/// <summary>The policy file is not a well-formed trust policy document (syntax, types, unknown keys, limits).</summary>
public sealed class PolicyFormatException : Exception
{
    public PolicyFormatException(PolicyError error)
        : base(error?.ToString(), null)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    public PolicyError Error { get; }
}
