using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Tests.Infrastructure;

namespace GithubSts.Operator.Tests.Kubernetes;

public sealed class WatchStreamReaderTests
{
    private const string Added = """{"type":"ADDED","object":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"a","namespace":"ns","resourceVersion":"5"},"data":{"k":"dg=="}}}""";
    private const string Bookmark = """{"type":"BOOKMARK","object":{"kind":"Secret","apiVersion":"v1","metadata":{"resourceVersion":"9","creationTimestamp":null}}}""";
    private const string Gone = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}""";

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Lines_split_across_reads_are_reassembled(int chunk)
    {
        var events = await ReadAllAsync(TricklingStream.Of($"{Added}\n\n{Bookmark}\r\n{Gone}\n", chunk));

        Assert.Equal([WatchEventType.Added, WatchEventType.Bookmark, WatchEventType.Error], events.Select(e => e.Type));
        Assert.Equal("a", events[0].Object!.Metadata.Name);
        Assert.Equal("v"u8.ToArray(), events[0].Object!.Data!["k"]);
        Assert.Equal("9", events[1].Object!.Metadata.ResourceVersion);
        Assert.Null(events[2].Object);
        Assert.Equal(410, events[2].Status!.Code);
        Assert.Equal("Expired", events[2].Status!.Reason);
        Assert.True(KubernetesApiException.IsExpired(0, events[2].Status));
    }

    [Fact]
    public async Task A_final_line_without_newline_is_read()
    {
        var events = await ReadAllAsync(TricklingStream.Of($"{Added}\n{Bookmark}", 5));
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public async Task Several_buffered_events_are_returned_without_waiting_for_more_data()
    {
        // Everything arrives in one read; the stream then blocks forever: all three events must still come out.
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"{Added}\n{Bookmark}\n{Gone}\n"));
        await using var reader = new WatchStreamReader<Secret>(pipe.Reader.AsStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await reader.ReadAsync(timeout.Token));
        }
    }

    [Theory]
    [InlineData("not json\n")]
    [InlineData("""{"type":"WHATEVER","object":{}}""" + "\n")]
    [InlineData("""{"type":"ADDED"}""" + "\n")]
    public async Task Malformed_events_are_protocol_failures(string text)
    {
        await Assert.ThrowsAsync<KubernetesUnavailableException>(() => ReadAllAsync(TricklingStream.Of(text, 4)));
    }

    [Fact]
    public async Task Oversized_lines_are_refused()
    {
        await using var reader = new WatchStreamReader<Secret>(TricklingStream.Of(new string('x', 10_000), 1000), maxLineBytes: 4096);
        await Assert.ThrowsAsync<KubernetesUnavailableException>(async () => await reader.ReadAsync(default));
    }

    private static async Task<List<WatchEvent<Secret>>> ReadAllAsync(Stream stream)
    {
        await using var reader = new WatchStreamReader<Secret>(stream);
        var events = new List<WatchEvent<Secret>>();
        while (await reader.ReadAsync(default) is { } e)
        {
            events.Add(e);
        }

        return events;
    }
}
