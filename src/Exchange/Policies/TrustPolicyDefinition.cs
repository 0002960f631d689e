namespace GithubSts.Exchange.Policies;

/// <summary>
/// A trust policy as written (YAML file or custom resource), before compilation.
/// Null means "absent"; the compiler decides what combinations are valid.
/// </summary>
public sealed class TrustPolicyDefinition
{
    public string? Issuer { get; init; }

    public string? IssuerPattern { get; init; }

    public string? Subject { get; init; }

    public string? SubjectPattern { get; init; }

    public string? Audience { get; init; }

    public string? AudiencePattern { get; init; }

    /// <summary>Claim name (or dotted path) → regular expression.</summary>
    public IReadOnlyDictionary<string, string>? ClaimPatterns { get; init; }

    /// <summary>GitHub App permission name → level (<c>read</c>, <c>write</c>, <c>admin</c>).</summary>
    public IReadOnlyDictionary<string, string>? Permissions { get; init; }

    /// <summary>Repository names or <c>*</c> (organization-level policies only, and required there).</summary>
    public IReadOnlyList<string>? Repositories { get; init; }

    /// <summary>
    /// Lets a GitHub Actions policy accept subjects of repositories it does not pin (<c>allow_any_repository_subject</c>).
    /// </summary>
    public bool? AllowAnyRepositorySubject { get; init; }

    /// <summary>Maximum <c>exp - nbf</c> (or <c>exp - iat</c>) of the caller's token, in seconds.</summary>
    public long? MaxTokenLifetimeSeconds { get; init; }
}
