using BenchmarkDotNet.Attributes;
using GithubSts.Benchmarks.Micro.Fixtures;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Policies;

namespace GithubSts.Benchmarks.Micro;

/// <summary><see cref="TrustPolicyEvaluator.Evaluate(CompiledTrustPolicy, ValidatedIdentity, AudienceSet)"/> on a validated GitHub Actions identity (both policies allow it).</summary>
[MemoryDiagnoser]
public class PolicyEvaluationBenchmarks
{
    private CompiledTrustPolicy? exact;
    private CompiledTrustPolicy? pattern;
    private ValidatedIdentity? identity;

    // Built once, as the service does (ServiceIdentity): the string overload would build a set per call.
    private readonly AudienceSet audiences = new([ActionsOidc.Audience]);

    [GlobalSetup]
    public void Setup()
    {
        using (var oidc = ActionsOidc.Create())
        {
            identity = oidc.Warm(ActionsOidc.CreateToken(oidc.RsaKey));
        }

        exact = BenchPolicies.Compile(BenchPolicies.ExactYaml);
        pattern = BenchPolicies.Compile(BenchPolicies.PatternYaml);
        foreach (var policy in new[] { exact, pattern })
        {
            var decision = TrustPolicyEvaluator.Evaluate(policy, identity, audiences);
            if (!decision.Allowed)
            {
                throw new InvalidOperationException($"The benchmark policy denies the identity: {decision.Reason} {decision.Detail}");
            }
        }
    }

    [Benchmark(Description = MicroNames.ExactPolicy)]
    public PolicyDecision Exact() => TrustPolicyEvaluator.Evaluate(exact!, identity!, audiences);

    [Benchmark(Description = MicroNames.PatternPolicy)]
    public PolicyDecision Pattern() => TrustPolicyEvaluator.Evaluate(pattern!, identity!, audiences);
}
