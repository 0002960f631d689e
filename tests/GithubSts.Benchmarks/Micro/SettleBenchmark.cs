using BenchmarkDotNet.Attributes;

namespace GithubSts.Benchmarks.Micro;

/// <summary>
/// Not reported: run once before the real benchmarks so BenchmarkDotNet's own start-up (and the JIT work it queues)
/// happens before anything is measured. Without it the first class measured read about twice too slow.
/// </summary>
public class SettleBenchmark
{
    private readonly int[] numbers = [.. Enumerable.Range(0, 64)];

    [Benchmark]
    public int Sum() => numbers.Sum();
}
