using System.Runtime.CompilerServices;

namespace GithubSts.Exchange.Tests;

/// <summary>
/// Raises the thread pool's minimum for this test process. xunit runs test classes in parallel, and some of them keep
/// pool threads busy with CPU work (pattern fuzzing, key generation, benchmarks of the matcher); with the default
/// minimum (the core count, 2 here) a Redis or HTTP continuation then waits for the pool to inject a thread (about
/// 0.5-1 s each), which is charged to the 300-500 ms budgets under test and fails them spuriously (seen: a SET timing
/// out after 728 ms with 7 items queued and 3 busy workers). A service replica has no such neighbours.
/// </summary>
internal static class TestThreadPool
{
    [ModuleInitializer]
    internal static void RaiseMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(completionPorts, 32));
    }
}
