namespace GithubSts.Exchange.Policies;

/// <summary>A <c>claim_pattern</c> entry; the log details are built once so denials do not allocate.</summary>
internal sealed class ClaimRule
{
    public ClaimRule(string name, CompiledPattern pattern)
    {
        Name = name;
        Pattern = pattern;
        MissingDetail = $"claim '{name}' is missing";
        NotStringDetail = $"claim '{name}' is not a string or boolean";
        MismatchDetail = $"claim '{name}' does not match claim_pattern";
    }

    public string Name { get; }

    public CompiledPattern Pattern { get; }

    public string MissingDetail { get; }

    public string NotStringDetail { get; }

    public string MismatchDetail { get; }
}
