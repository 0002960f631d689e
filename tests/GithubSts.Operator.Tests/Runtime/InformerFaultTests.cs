using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Runtime;
using GithubSts.Operator.Tests.Infrastructure;
using GithubSts.Testing;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;
using static GithubSts.Operator.Tests.Infrastructure.FakeApiServer;

namespace GithubSts.Operator.Tests.Runtime;

/// <summary>Informer behaviour on faults a real API server does not produce on demand (scripted fake server).</summary>
public sealed class InformerFaultTests(ITestOutputHelper output)
{
    private static readonly InformerOptions Fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
    };

    [Fact]
    public async Task A_410_answer_to_the_watch_relists_consistently_and_reports_vanished_objects()
    {
        var lists = 0;
        var watches = 0;
        await using var server = await StartAsync(async context =>
        {
            if (!context.IsWatch())
            {
                await JsonAsync(context, 200, Interlocked.Increment(ref lists) == 1
                    ? SecretList("10", Secret("a", "5"), Secret("b", "6"))
                    : SecretList("20", Secret("a", "5"), Secret("c", "19")));
            }
            else if (Interlocked.Increment(ref watches) == 1)
            {
                await StatusAsync(context, 410, "Expired", "too old resource version");
            }
            else
            {
                await WatchAsync(context, hold: true);
            }
        });
        var (informer, handler, run, stop) = Start(server);

        await Eventually.TrueAsync(() => watches >= 2, "a second watch");

        Assert.Equal(["add a", "add b", "add c", "delete b"], handler.Snapshot);
        Assert.Equal(["a", "c"], informer.List().Select(s => s.Metadata.Name).Order());
        Assert.Equal("20", informer.LastSyncResourceVersion);
        var requests = server.Requests.ToList();
        Assert.Equal("GET /api/v1/namespaces/ns/secrets?resourceVersion=0&limit=500", requests[0]);
        Assert.StartsWith("GET /api/v1/namespaces/ns/secrets?watch=true&resourceVersion=10&allowWatchBookmarks=true&timeoutSeconds=", requests[1], StringComparison.Ordinal);
        Assert.Equal("GET /api/v1/namespaces/ns/secrets?limit=500", requests[2]); // consistent read: no resourceVersion
        Assert.Contains("resourceVersion=20", requests[3], StringComparison.Ordinal);
        await StopAsync(run, stop);
    }

    [Fact]
    public async Task An_in_stream_410_error_event_relists()
    {
        var lists = 0;
        var watches = 0;
        await using var server = await StartAsync(async context =>
        {
            if (!context.IsWatch())
            {
                await JsonAsync(context, 200, Interlocked.Increment(ref lists) == 1
                    ? SecretList("10", Secret("a", "5"))
                    : SecretList("30", Secret("d", "29")));
            }
            else if (Interlocked.Increment(ref watches) == 1)
            {
                await WatchAsync(context, hold: false, Event("ADDED", Secret("b", "11")), Gone());
            }
            else
            {
                await WatchAsync(context, hold: true);
            }
        });
        var (informer, handler, run, stop) = Start(server);

        await Eventually.TrueAsync(() => watches >= 2, "a second watch");

        Assert.Equal(["add a", "add b"], handler.Snapshot.Take(2));
        Assert.Equal(["add d", "delete a", "delete b"], handler.Snapshot.Skip(2).Order());
        Assert.Equal(["d"], informer.List().Select(x => x.Metadata.Name));
        Assert.Equal(2, lists);
        await StopAsync(run, stop);
    }

    [Fact]
    public async Task A_closed_watch_resumes_from_the_last_bookmark_without_relisting()
    {
        var lists = 0;
        var watches = 0;
        await using var server = await StartAsync(async context =>
        {
            if (!context.IsWatch())
            {
                Interlocked.Increment(ref lists);
                await JsonAsync(context, 200, SecretList("10", Secret("a", "5")));
            }
            else if (Interlocked.Increment(ref watches) == 1)
            {
                await WatchAsync(
                    context,
                    hold: false,
                    Event("MODIFIED", Secret("a", "12")),
                    Event("BOOKMARK", """{"kind":"Secret","apiVersion":"v1","metadata":{"resourceVersion":"15"}}"""));
            }
            else if (watches == 2)
            {
                await WatchAsync(context, hold: false, Event("DELETED", Secret("a", "16")));
            }
            else
            {
                await WatchAsync(context, hold: true);
            }
        });
        var (informer, handler, run, stop) = Start(server);

        await Eventually.TrueAsync(() => watches >= 3, "a third watch");

        Assert.Equal(1, lists);
        var watchRequests = server.Requests.Where(r => r.Contains("watch=true", StringComparison.Ordinal)).ToList();
        Assert.Contains("resourceVersion=10&", watchRequests[0], StringComparison.Ordinal);
        Assert.Contains("resourceVersion=15&", watchRequests[1], StringComparison.Ordinal);
        Assert.Contains("resourceVersion=16&", watchRequests[2], StringComparison.Ordinal);
        Assert.Equal(["add a", "update a", "delete a"], handler.Snapshot);
        Assert.Empty(informer.List());
        await StopAsync(run, stop);
    }

    [Fact]
    public async Task Lists_are_paginated_and_an_expired_continue_token_restarts_the_list()
    {
        var lists = 0;
        await using var server = await StartAsync(async context =>
        {
            if (context.IsWatch())
            {
                await WatchAsync(context, hold: true);
                return;
            }

            var n = Interlocked.Increment(ref lists);
            var page = n switch
            {
                1 => """{"metadata":{"resourceVersion":"10","continue":"c1"},"items":[{"metadata":{"name":"a","namespace":"ns","resourceVersion":"1"}}]}""",
                2 => null, // the continue token expired
                3 => """{"metadata":{"resourceVersion":"12","continue":"c2"},"items":[{"metadata":{"name":"a","namespace":"ns","resourceVersion":"1"}}]}""",
                _ => """{"metadata":{"resourceVersion":"12"},"items":[{"metadata":{"name":"b","namespace":"ns","resourceVersion":"2"}}]}""",
            };
            if (page is null)
            {
                await StatusAsync(context, 410, "Expired", "continue token expired");
            }
            else
            {
                await JsonAsync(context, 200, page);
            }
        });
        var (informer, handler, run, stop) = Start(server, Fast with { PageSize = 1 });

        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b"], informer.List().Select(s => s.Metadata.Name).Order());
        Assert.Equal("12", informer.LastSyncResourceVersion);
        var requests = server.Requests.ToList();
        Assert.Equal("GET /api/v1/namespaces/ns/secrets?resourceVersion=0&limit=1", requests[0]);
        Assert.Equal("GET /api/v1/namespaces/ns/secrets?limit=1&continue=c1", requests[1]);
        Assert.Equal("GET /api/v1/namespaces/ns/secrets?limit=1", requests[2]);
        Assert.Equal("GET /api/v1/namespaces/ns/secrets?limit=1&continue=c2", requests[3]);
        Assert.Equal(["add a", "add b"], handler.Snapshot);
        await StopAsync(run, stop);
    }

    [Fact]
    public async Task Server_errors_back_off_and_the_informer_syncs_once_the_server_recovers()
    {
        var lists = 0;
        await using var server = await StartAsync(async context =>
        {
            if (context.IsWatch())
            {
                await WatchAsync(context, hold: true);
            }
            else if (Interlocked.Increment(ref lists) <= 3)
            {
                await StatusAsync(context, 500, "InternalError");
            }
            else
            {
                await JsonAsync(context, 200, SecretList("10", Secret("a", "5")));
            }
        });
        var (informer, _, run, stop) = Start(server);

        Assert.False(informer.HasSynced);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(4, lists);
        Assert.True(informer.HasSynced);
        await StopAsync(run, stop);
    }

    [Fact]
    public async Task Watches_that_close_at_once_without_events_do_not_spin()
    {
        var watches = 0;
        await using var server = await StartAsync(async context =>
        {
            if (context.IsWatch())
            {
                Interlocked.Increment(ref watches);
                await WatchAsync(context, hold: false);
            }
            else
            {
                await JsonAsync(context, 200, SecretList("10"));
            }
        });
        var (_, _, run, stop) = Start(server, Fast with { InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(1) });

        // It keeps retrying, but at the backoff's pace (≥ 200 ms apart), not in a hot loop.
        await Eventually.TrueAsync(() => watches >= 3, "three watches");
        var before = watches;
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.InRange(watches - before, 0, 6);
        await StopAsync(run, stop);
    }

    [Fact]
    public async Task Late_handlers_get_the_cache_as_adds_and_resync_redelivers_it_as_updates()
    {
        await using var server = await StartAsync(async context =>
        {
            if (context.IsWatch())
            {
                await WatchAsync(context, hold: true);
            }
            else
            {
                await JsonAsync(context, 200, SecretList("10", Secret("a", "5"), Secret("b", "6")));
            }
        });
        var time = new ManualTimeProvider();
        using var client = new KubernetesApiClient(server.Configuration, new TestLogger<KubernetesApiClient>(output));
        var informer = new Informer<Secret>(client, ResourceTypes.Secrets, "ns", new TestLogger<InformerFaultTests>(output), time, new InformerOptions
        {
            ResyncPeriod = TimeSpan.FromMinutes(10),
        });
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(default).WaitAsync(TimeSpan.FromSeconds(10));

        var late = new RecordingHandler<Secret>();
        informer.AddHandler(late);
        Assert.Equal(["add a", "add b"], late.Snapshot.Order());
        Assert.True(informer.TryGet("ns", "a", out var a));
        Assert.Equal("5", a.Metadata.ResourceVersion);
        Assert.False(informer.TryGet("other", "a", out _));

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(["resync a", "resync b"], late.Snapshot.Skip(2).Order());
        await StopAsync(run, stop);
    }

    private (Informer<Secret> Informer, RecordingHandler<Secret> Handler, Task Run, CancellationTokenSource Stop) Start(FakeApiServer server, InformerOptions? options = null)
    {
        var client = new KubernetesApiClient(server.Configuration, new TestLogger<KubernetesApiClient>(output));
        var informer = new Informer<Secret>(client, ResourceTypes.Secrets, "ns", new TestLogger<InformerFaultTests>(output), TimeProvider.System, options ?? Fast);
        var handler = new RecordingHandler<Secret>();
        informer.AddHandler(handler);
        var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token).ContinueWith(t => { client.Dispose(); return t; }, TaskScheduler.Default).Unwrap();
        return (informer, handler, run, stop);
    }

    private static async Task StopAsync(Task run, CancellationTokenSource stop)
    {
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        stop.Dispose();
    }
}
