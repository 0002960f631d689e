using GithubSts.Exchange.Policies;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Index;
using GithubSts.Operator.Kubernetes.Models;

namespace GithubSts.Benchmarks.Micro.Fixtures;

/// <summary>Trust policies used by the micro benchmarks, compiled by the production compiler.</summary>
internal static class BenchPolicies
{
    public const string AppName = "default";
    public const string Identity = "release";

    /// <summary>Exact issuer and subject: the common, cheapest shape.</summary>
    public static readonly string ExactYaml = $"""
        issuer: {ActionsOidc.Issuer}
        subject: repo:{ActionsOidc.Owner}/{ActionsOidc.Repository}:ref:refs/heads/main
        permissions:
          contents: read
        """;

    /// <summary>A subject pattern (any branch) plus a claim pattern on the reusable workflow.</summary>
    public static readonly string PatternYaml = $$"""
        issuer: {{ActionsOidc.Issuer}}
        subject_pattern: repo:{{ActionsOidc.Owner}}/{{ActionsOidc.Repository}}:ref:refs/heads/.*
        claim_pattern:
          job_workflow_ref: {{ActionsOidc.Owner}}/{{ActionsOidc.Repository}}/\.github/workflows/[a-z-]+\.yaml@refs/heads/.*
        permissions:
          contents: read
        """;

    /// <summary>The release policy of EXAMPLES.md, used by the whole-pipeline benchmarks.</summary>
    public static readonly string ReleaseYaml = $"""
        issuer: {ActionsOidc.Issuer}
        subject: repo:{ActionsOidc.Owner}/{ActionsOidc.Repository}:ref:refs/heads/main
        claim_pattern:
          job_workflow_ref: {ActionsOidc.Owner}/{ActionsOidc.Repository}/\.github/workflows/release\.yaml@refs/heads/main
          repository_id: "123456789"
        permissions:
          contents: write
          pull_requests: write
        """;

    public static CompiledTrustPolicy Compile(string yaml, PolicyScopeKind kind = PolicyScopeKind.Repository)
    {
        var result = TrustPolicyCompiler.Compile(TrustPolicyYaml.Parse(yaml), kind);
        return result.Policy ?? throw new InvalidOperationException("Policy does not compile: " + string.Join("; ", result.Errors));
    }

    /// <summary>
    /// <paramref name="count"/> distinct TrustPolicy resources over 100 repositories per organization, each with its own
    /// (scope, identity) key, exact issuer and subject, as the operator would see them.
    /// </summary>
    public static TrustPolicy[] Resources(int count)
    {
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var resources = new TrustPolicy[count];
        for (var i = 0; i < count; i++)
        {
            var (owner, repository) = ScopeOf(i);
            resources[i] = new TrustPolicy
            {
                Metadata = new ObjectMeta
                {
                    Name = $"policy-{i}",
                    Namespace = $"team-{i % 50}",
                    Generation = 1,
                    CreationTimestamp = created.AddSeconds(i),
                },
                Spec = new TrustPolicySpec
                {
                    App = AppName,
                    Scope = $"{owner}/{repository}",
                    Identity = $"deploy-{i % 7}",
                    Issuer = ActionsOidc.Issuer,
                    Subject = $"repo:{owner}/{repository}:ref:refs/heads/main",
                    Permissions = new Dictionary<string, string>(StringComparer.Ordinal) { ["contents"] = "read" },
                },
            };
        }

        return resources;
    }

    public static (string Owner, string Repository) ScopeOf(int i) => ($"org-{i / 100}", $"repo-{i % 100}");

    public static IndexedPolicy CompileResource(TrustPolicy resource) =>
        TrustPolicyCompilation.Compile(resource, clusterIssuer: null) is { Policy: { } policy }
            ? policy
            : throw new InvalidOperationException($"TrustPolicy {resource.Metadata.Name} does not compile.");

    public static PolicyIndex BuildIndex(IEnumerable<TrustPolicy> resources)
    {
        var index = new PolicyIndex();
        foreach (var resource in resources)
        {
            index.Upsert(CompileResource(resource));
        }

        return index;
    }
}
