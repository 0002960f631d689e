using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Policies;

namespace GithubSts.Exchange.Pipeline.Steps;

/// <summary>
/// Applies the caller's <c>permissions</c> and <c>repositories</c> request: each must be within the policy (a
/// permission at the policy's level or lower, a repository the policy covers and the scope names), and the mint asks
/// for exactly that. Runs after the policy matched and before the replay reservation, so a refused request neither
/// mints nor uses up the caller's token.
/// </summary>
public sealed class NarrowStep : IExchangeStep
{
    public int Order => ExchangeStepOrder.Narrow;

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var policy = context.Policy.Policy;
        context.Permissions = context.Request.RequestedPermissions is { } requested
            ? NarrowPermissions(requested, policy, context.Policy.Origin)
            : policy.Permissions;
        if (context.Request.RequestedRepositories is { } repositories)
        {
            context.NarrowedRepositories = NarrowRepositories(repositories, context);
        }

        return ValueTask.CompletedTask;
    }

    private static IReadOnlyDictionary<string, string> NarrowPermissions(
        IReadOnlyDictionary<string, string> requested, CompiledTrustPolicy policy, string origin)
    {
        foreach (var (name, level) in requested)
        {
            if (!policy.Permissions.TryGetValue(name, out var allowed) || !PermissionLevels.IsWithin(level, allowed))
            {
                throw ExchangeException.ExceedsPolicy(
                    $"permission {name}: {level} is not granted by the policy",
                    $"policy {origin}: requested {name}: {level}, policy grants {allowed ?? "nothing"}");
            }
        }

        return requested;
    }

    private static IReadOnlyList<string> NarrowRepositories(IReadOnlyList<string> requested, ExchangeContext context)
    {
        var scopeRepository = context.Target.Repository;
        var orgPolicyRepository = context.App.OrgPolicyRepository;
        var plan = MintTokenStep.RepositoriesFor(scopeRepository, context.Policy.Policy, orgPolicyRepository);
        foreach (var name in requested)
        {
            var why = WhyNotAllowed(name, scopeRepository, plan, orgPolicyRepository);
            if (why is not null)
            {
                throw ExchangeException.ExceedsPolicy($"repository {name} {why}", $"policy {context.Policy.Origin}: requested repository {name} {why}");
            }
        }

        return requested;
    }

    /// <summary>Null when the policy's repository plan grants <paramref name="name"/> for this scope; otherwise why not.</summary>
    internal static string? WhyNotAllowed(string name, string? scopeRepository, MintTokenStep.RepositoryPlan plan, string orgPolicyRepository)
    {
        // GitHub repository names are case-insensitive, as MintTokenStep treats them.
        if (scopeRepository is not null && !string.Equals(name, scopeRepository, StringComparison.OrdinalIgnoreCase))
        {
            return $"is outside the requested scope (only {scopeRepository})";
        }

        if (plan.Repositories is { } listed)
        {
            return listed.Contains(name, StringComparer.OrdinalIgnoreCase) ? null : "is not granted by the policy";
        }

        // '*': every repository, except the org policy repository unless the policy names it too.
        return plan.EveryExceptOrgPolicyRepository && string.Equals(name, orgPolicyRepository, StringComparison.OrdinalIgnoreCase)
            ? "is not granted by the policy"
            : null;
    }
}
