using BenchmarkDotNet.Attributes;
using GithubSts.Benchmarks.Micro.Fixtures;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Requests;
using GithubSts.Operator.Index;

namespace GithubSts.Benchmarks.Micro;

/// <summary>Looking up one existing (app, scope, identity) in a <see cref="PolicyIndex"/> of 100 or 50,000 TrustPolicies.</summary>
[MemoryDiagnoser]
public class PolicyIndexLookupBenchmarks : IDisposable
{
    private BenchApp? app;
    private PolicyIndex? index;
    private PolicyLookup? lookup;
    private PolicyIndexKey key;

    [Params(100, 50_000)]
    public int Policies { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var resources = BenchPolicies.Resources(Policies);
        index = BenchPolicies.BuildIndex(resources);
        var target = resources[Policies / 2];
        if (!ExchangeTarget.TryParse(target.Spec.Scope, out var scope))
        {
            throw new InvalidOperationException("The benchmark scope does not parse.");
        }

        app = BenchApp.Create(new Uri("https://api.github.com/"));
        lookup = new PolicyLookup(app.Runtime, scope, target.Spec.Identity!);
        key = new PolicyIndexKey(BenchPolicies.AppName, target.Spec.Scope, target.Spec.Identity!);
        if (index.Count != Policies || Find().AsTask().GetAwaiter().GetResult() is not IndexedPolicy found || found.Name != target.Metadata.Name || Winner() is null)
        {
            throw new InvalidOperationException("The index does not serve the benchmark key.");
        }
    }

    [Benchmark(Description = MicroNames.IndexFind)]
    public ValueTask<ResolvedPolicy?> Find() => index!.FindAsync(lookup!, CancellationToken.None);

    [Benchmark(Description = MicroNames.IndexWinner)]
    public IndexedPolicy? Winner() => index!.Winner(key);

    [GlobalCleanup]
    public void Dispose()
    {
        app?.Dispose();
        app = null;
        GC.SuppressFinalize(this);
    }
}
