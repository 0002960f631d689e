using BenchmarkDotNet.Attributes;
using GithubSts.Benchmarks.Micro.Fixtures;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Controllers;
using GithubSts.Operator.Index;

namespace GithubSts.Benchmarks.Micro;

/// <summary>
/// What an operator restart costs: 10,000 TrustPolicy resources compiled with <see cref="TrustPolicyCompilation.Compile"/>
/// and upserted one by one into a fresh <see cref="PolicyIndex"/>. One operation is the whole rebuild.
/// </summary>
[MemoryDiagnoser]
public class PolicyIndexRebuildBenchmarks
{
    public const int Policies = 10_000;

    private TrustPolicy[] resources = [];

    [GlobalSetup]
    public void Setup()
    {
        resources = BenchPolicies.Resources(Policies);
        if (Rebuild().Count != Policies)
        {
            throw new InvalidOperationException("The rebuilt index does not hold every policy.");
        }
    }

    [Benchmark(Description = MicroNames.IndexRebuild)]
    public PolicyIndex Rebuild() => BenchPolicies.BuildIndex(resources);
}
