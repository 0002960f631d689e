namespace GithubSts.Exchange.Policies;

/// <summary>Either a compiled policy or every error found in the definition.</summary>
public sealed class PolicyCompileResult
{
    private PolicyCompileResult(CompiledTrustPolicy? policy, IReadOnlyList<PolicyError> errors)
    {
        Policy = policy;
        Errors = errors;
    }

    public CompiledTrustPolicy? Policy { get; }

    /// <summary>Empty when <see cref="Succeeded"/>.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }

    public bool Succeeded => Policy is not null;

    internal static PolicyCompileResult Success(CompiledTrustPolicy policy) => new(policy, Array.Empty<PolicyError>());

    internal static PolicyCompileResult Failure(IList<PolicyError> errors) => new(null, errors.AsReadOnly());
}
