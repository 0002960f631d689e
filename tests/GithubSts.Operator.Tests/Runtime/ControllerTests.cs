using System.Collections.Concurrent;
using GithubSts.Operator.Runtime;
using GithubSts.Operator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GithubSts.Operator.Tests.Runtime;

public sealed class ControllerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Failures_are_retried_with_backoff_and_success_forgets_the_key()
    {
        var reconciler = new ScriptedReconciler(key => key == "flaky" ? 3 : 0);
        var controller = new Controller<string>("test", reconciler, new TestLogger<ControllerTests>(output), options: new ControllerOptions
        {
            Workers = 2,
            BaseRetryDelay = TimeSpan.FromMilliseconds(10),
        });
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);

        controller.Enqueue("flaky");
        controller.Enqueue("ok");
        await Eventually.TrueAsync(() => reconciler.Successes.ContainsKey("flaky") && reconciler.Successes.ContainsKey("ok"), "both keys reconciled");

        Assert.Equal(4, reconciler.Attempts["flaky"]);
        Assert.Equal(1, reconciler.Attempts["ok"]);
        Assert.Equal(0, controller.Queue.NumRequeues("flaky"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RequeueAfter_reconciles_the_key_again_later()
    {
        var reconciler = new ScriptedReconciler(_ => 0, requeueAfter: TimeSpan.FromMilliseconds(50));
        var controller = new Controller<string>("test", reconciler, new TestLogger<ControllerTests>(output));
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);

        controller.Enqueue("a");
        await Eventually.TrueAsync(() => reconciler.Attempts.GetValueOrDefault("a") >= 3, "three reconciles of a");

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(controller.Queue.IsShuttingDown);
    }

    [Fact]
    public async Task A_key_is_never_reconciled_concurrently()
    {
        var reconciler = new ScriptedReconciler(_ => 0, delay: TimeSpan.FromMilliseconds(20));
        var controller = new Controller<string>("test", reconciler, new TestLogger<ControllerTests>(output), options: new ControllerOptions { Workers = 4 });
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);

        for (var i = 0; i < 50; i++)
        {
            controller.Enqueue("same");
            await Task.Delay(2);
        }

        await Eventually.TrueAsync(() => controller.Queue.Count == 0 && reconciler.Running.IsEmpty, "queue drained");
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, reconciler.ConcurrentViolations);
        Assert.InRange(reconciler.Attempts["same"], 2, 50);
    }

    [Fact]
    public async Task The_initial_keys_complete_after_each_was_attempted_once_even_when_it_failed()
    {
        var reconciler = new ScriptedReconciler(key => key == "broken" ? int.MaxValue : 0, delay: TimeSpan.FromMilliseconds(5));
        var controller = new Controller<string>("test", reconciler, new TestLogger<ControllerTests>(output), options: new ControllerOptions
        {
            BaseRetryDelay = TimeSpan.FromSeconds(30),
        });
        controller.Initial.Expect(["a", "b", "broken"]);
        controller.Initial.Expect(["never"]);
        Assert.False(controller.Initial.IsCompleted);
        using var stop = new CancellationTokenSource();
        var run = controller.RunAsync(stop.Token);

        controller.Enqueue("a");
        controller.Enqueue("broken");
        await Eventually.TrueAsync(() => reconciler.Attempts.ContainsKey("a") && reconciler.Attempts.ContainsKey("broken"), "a and broken attempted");
        await Task.Delay(50);
        Assert.False(controller.Initial.IsCompleted);

        controller.Enqueue("b");
        await controller.Initial.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(reconciler.Successes.ContainsKey("broken"));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void No_initial_keys_complete_at_once()
    {
        var tracker = new InitialReconcileTracker<string>();
        Assert.False(tracker.IsCompleted);
        tracker.Attempted("x");
        Assert.False(tracker.IsCompleted);
        tracker.Expect([]);
        Assert.True(tracker.IsCompleted);
    }

    private sealed class ScriptedReconciler(Func<string, int> failuresBeforeSuccess, TimeSpan? requeueAfter = null, TimeSpan? delay = null)
        : IReconciler<string>
    {
        public ConcurrentDictionary<string, int> Attempts { get; } = new();

        public ConcurrentDictionary<string, bool> Successes { get; } = new();

        public ConcurrentDictionary<string, bool> Running { get; } = new();

        public int ConcurrentViolations;

        public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
        {
            if (!Running.TryAdd(key, true))
            {
                Interlocked.Increment(ref ConcurrentViolations);
            }

            try
            {
                var attempt = Attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
                if (delay is { } d)
                {
                    await Task.Delay(d, ct);
                }

                if (attempt <= failuresBeforeSuccess(key))
                {
                    throw new InvalidOperationException($"attempt {attempt} fails");
                }

                Successes[key] = true;
                return new ReconcileResult(requeueAfter);
            }
            finally
            {
                Running.TryRemove(key, out _);
            }
        }
    }
}
