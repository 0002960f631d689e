using System.Collections.Immutable;

namespace GithubSts.Exchange.Policies;

/// <summary>Validates a <see cref="TrustPolicyDefinition"/> and turns it into a <see cref="CompiledTrustPolicy"/>.</summary>
public static class TrustPolicyCompiler
{
    /// <summary>The longest caller-token lifetime a policy may allow.</summary>
    public static readonly TimeSpan MaxTokenLifetimeLimit = TimeSpan.FromDays(7);

    /// <summary>The most patterns (issuer, subject, audience and claim patterns together) one policy may have.</summary>
    public const int MaxPatternsPerPolicy = 32;

    /// <summary>The most character positions (after unrolling repetitions) all patterns of one policy may have together.</summary>
    public const int MaxPatternCostPerPolicy = 4000;

    /// <summary>The most patterns of one policy that may need the linear-time (heavy) engine.</summary>
    public const int MaxHeavyPatternsPerPolicy = 4;

    /// <summary>Reports every problem, not just the first, so an author can fix a policy in one pass.</summary>
    /// <param name="target">
    /// The scope the policy serves, when known: its owner's look-alikes are among the foreign repositories a GitHub
    /// Actions subject rule must refuse (see <see cref="RepositorySubjectRule"/>).
    /// </param>
    public static PolicyCompileResult Compile(TrustPolicyDefinition definition, PolicyScopeKind kind, Requests.ExchangeTarget? target = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<PolicyError>();
        var patternCount = (definition.IssuerPattern is null ? 0 : 1) + (definition.SubjectPattern is null ? 0 : 1)
            + (definition.AudiencePattern is null ? 0 : 1) + (definition.ClaimPatterns?.Count ?? 0);
        if (patternCount > MaxPatternsPerPolicy)
        {
            // Refused before any pattern is looked at: the count alone is over budget.
            errors.Add(new PolicyError(
                PolicyErrorCode.PatternBudgetExceeded, "claim_pattern", $"the policy has {patternCount} patterns; the limit is {MaxPatternsPerPolicy}"));
            return PolicyCompileResult.Failure(errors);
        }

        var issuer = CompileRequired(
            definition.Issuer, definition.IssuerPattern, "issuer", "issuer_pattern", PolicyPattern.CompileIssuerPattern, errors);
        var subject = CompileRequired(
            definition.Subject, definition.SubjectPattern, "subject", "subject_pattern", CompileSubjectPattern, errors);
        var audience = CompileOptional(
            definition.Audience, definition.AudiencePattern, "audience", "audience_pattern", PolicyPattern.Compile, errors);
        var claims = CompileClaims(definition.ClaimPatterns, errors);
        var permissions = PermissionRules.Compile(definition.Permissions, kind, errors);
        var repositories = RepositoryRules.Compile(definition.Repositories, kind, errors, out var everyRepository);
        var lifetime = CompileLifetime(definition.MaxTokenLifetimeSeconds, errors);
        if (issuer is not null && subject is not null && definition.AllowAnyRepositorySubject != true
            && ActionsIssuers.CanBeActionsIssuer(definition.Issuer, definition.IssuerPattern, issuer)
            && RepositorySubjectRule.Check(
                subject, definition.SubjectPattern, claims, kind, target, repositories ?? [], definition.Subject is null ? "subject_pattern" : "subject") is { } unpinned)
        {
            errors.Add(unpinned);
        }

        var patterns = new[] { issuer?.Pattern, subject?.Pattern, audience?.Pattern }
            .Concat(claims.Select(c => c.Pattern)).OfType<CompiledPattern>().ToList();
        CheckPatternBudget(patterns, errors);
        if (errors.Count > 0 || issuer is null || subject is null || permissions is null)
        {
            return PolicyCompileResult.Failure(errors);
        }

        return PolicyCompileResult.Success(
            new CompiledTrustPolicy(kind, issuer, subject, audience, claims, permissions, repositories, everyRepository, lifetime)
            {
                HeavyPatternCount = patterns.Count(p => p.IsHeavy),
            });
    }

    private static void CheckPatternBudget(List<CompiledPattern> patterns, List<PolicyError> errors)
    {
        var cost = patterns.Sum(p => p.Cost);
        if (cost > MaxPatternCostPerPolicy)
        {
            errors.Add(new PolicyError(
                PolicyErrorCode.PatternBudgetExceeded,
                string.Empty,
                $"the patterns have {cost} character positions together once repetitions are unrolled; the limit is {MaxPatternCostPerPolicy}"));
        }

        var retained = patterns.Sum(p => p.RetainedBytes);
        if (retained > PolicyPattern.MaxRetainedBytesPerPolicy)
        {
            errors.Add(new PolicyError(
                PolicyErrorCode.PatternBudgetExceeded,
                string.Empty,
                $"the patterns would keep about {retained / 1000} kB once matched (see README, Pattern language); the limit is " +
                $"{PolicyPattern.MaxRetainedBytesPerPolicy / 1000} kB per policy"));
        }

        var heavy = patterns.Count(p => p.IsHeavy);
        if (heavy > MaxHeavyPatternsPerPolicy)
        {
            errors.Add(new PolicyError(
                PolicyErrorCode.PatternBudgetExceeded,
                string.Empty,
                $"{heavy} patterns need the linear-time engine (see README, Pattern language); the limit is {MaxHeavyPatternsPerPolicy} per policy"));
        }
    }

    private static CompiledPattern CompileSubjectPattern(string pattern, string field)
    {
        var regex = PolicyPattern.Compile(pattern, field);
        SubjectPatternLint.Check(regex, field);
        return regex;
    }

    private static MatchRule? CompileRequired(
        string? exact, string? pattern, string exactField, string patternField,
        Func<string, string, CompiledPattern> compilePattern, List<PolicyError> errors)
    {
        if (exact is null && pattern is null)
        {
            errors.Add(new PolicyError(
                PolicyErrorCode.MissingField, exactField, $"set exactly one of {exactField} or {patternField}"));
            return null;
        }

        return CompileOptional(exact, pattern, exactField, patternField, compilePattern, errors);
    }

    private static MatchRule? CompileOptional(
        string? exact, string? pattern, string exactField, string patternField,
        Func<string, string, CompiledPattern> compilePattern, List<PolicyError> errors)
    {
        if (exact is not null && pattern is not null)
        {
            errors.Add(new PolicyError(
                PolicyErrorCode.ConflictingFields, exactField, $"set either {exactField} or {patternField}, not both"));
            return null;
        }

        if (exact is not null)
        {
            if (exact.Length == 0)
            {
                errors.Add(new PolicyError(PolicyErrorCode.MissingField, exactField, "must not be empty"));
                return null;
            }

            return MatchRule.ForExact(exact);
        }

        if (pattern is not null)
        {
            var regex = TryCompile(pattern, patternField, compilePattern, errors);
            return regex is null ? null : MatchRule.ForPattern(regex);
        }

        return null;
    }

    private static ImmutableArray<ClaimRule> CompileClaims(IReadOnlyDictionary<string, string>? claimPatterns, List<PolicyError> errors)
    {
        if (claimPatterns is null)
        {
            return [];
        }

        var rules = ImmutableArray.CreateBuilder<ClaimRule>(claimPatterns.Count);
        foreach (var (name, pattern) in claimPatterns.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            var field = $"claim_pattern.{name}";
            if (name.Length == 0)
            {
                errors.Add(new PolicyError(PolicyErrorCode.InvalidPattern, "claim_pattern", "claim names must not be empty"));
                continue;
            }

            if (TryCompile(pattern, field, PolicyPattern.Compile, errors) is { } regex)
            {
                rules.Add(new ClaimRule(name, regex));
            }
        }

        return rules.ToImmutable();
    }

    private static CompiledPattern? TryCompile(
        string pattern, string field, Func<string, string, CompiledPattern> compilePattern, List<PolicyError> errors)
    {
        try
        {
            return compilePattern(pattern, field);
        }
        catch (PolicyPatternException ex)
        {
            errors.Add(ex.Error);
            return null;
        }
    }

    private static TimeSpan? CompileLifetime(long? seconds, List<PolicyError> errors)
    {
        if (seconds is not { } value)
        {
            return null;
        }

        if (value <= 0 || value > (long)MaxTokenLifetimeLimit.TotalSeconds)
        {
            errors.Add(new PolicyError(
                PolicyErrorCode.InvalidLifetime,
                "max_token_lifetime",
                $"must be between 1 and {(long)MaxTokenLifetimeLimit.TotalSeconds} seconds (7 days)"));
            return null;
        }

        return TimeSpan.FromSeconds(value);
    }
}
