using System.Text;
using GithubSts.Exchange.Replay.Redis;

namespace GithubSts.Exchange.Tests.Replay;

public sealed class RespTests
{
    [Fact]
    public void Encodes_commands_as_arrays_of_bulk_strings_with_byte_lengths()
    {
        Assert.Equal("*3\r\n$3\r\nSET\r\n$3\r\nké\r\n$0\r\n\r\n", Encoding.UTF8.GetString(Resp.Encode("SET", "ké", "")));
    }

    [Theory]
    [InlineData("+OK\r\n", "OK")]
    [InlineData("$5\r\nhe\r\nl\r\n", "he\r\nl")]
    [InlineData(":42\r\n", 42L)]
    [InlineData(":-2\r\n", -2L)]
    [InlineData("$-1\r\n", null)]
    [InlineData("*-1\r\n", null)]
    public async Task Parses_replies(string wire, object? expected)
    {
        Assert.Equal(expected, await ParseAsync(wire));
    }

    [Fact]
    public async Task Parses_errors_and_arrays()
    {
        Assert.Equal(new RedisError("ERR wrong"), await ParseAsync("-ERR wrong\r\n"));
        var array = Assert.IsType<object?[]>(await ParseAsync("*3\r\n+a\r\n:1\r\n$-1\r\n"));
        Assert.Equal(["a", 1L, null], array);
    }

    [Theory]
    [InlineData("?x\r\n")]
    [InlineData("$3\r\nabcd\r\n")]
    [InlineData(":x\r\n")]
    [InlineData("$99999999\r\n")]
    public async Task Rejects_malformed_replies(string wire)
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => ParseAsync(wire));
    }

    [Fact]
    public async Task A_truncated_reply_is_end_of_stream()
    {
        await Assert.ThrowsAsync<EndOfStreamException>(() => ParseAsync("$5\r\nab"));
    }

    [Theory]
    [InlineData("localhost:6380", "localhost", 6380)]
    [InlineData("redis", "redis", 6379)]
    [InlineData("[::1]:7000", "::1", 7000)]
    public void Parses_endpoints(string text, string host, int port)
    {
        Assert.True(RedisEndpoint.TryParse(text, out var endpoint));
        Assert.Equal(new RedisEndpoint(host, port), endpoint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("redis://x:1")]
    [InlineData("x:0")]
    [InlineData("x:70000")]
    [InlineData(":6379")]
    public void Rejects_bad_endpoints(string text)
    {
        Assert.False(RedisEndpoint.TryParse(text, out _));
    }

    private static async Task<object?> ParseAsync(string wire)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(wire));
        return await Resp.ReadAsync(new RespReader(stream), default);
    }
}
