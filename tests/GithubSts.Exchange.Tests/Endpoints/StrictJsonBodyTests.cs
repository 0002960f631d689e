using System.Buffers;
using System.Text;
using GithubSts.Exchange.Endpoints;
using GithubSts.Exchange.Pipeline;

namespace GithubSts.Exchange.Tests.Endpoints;

public class StrictJsonBodyTests
{
    [Fact]
    public void Reads_the_three_members()
    {
        var parameters = Parse("""{"scope":"org/repo","identity":"ci","app":"default"}""");
        Assert.Equal("org/repo", parameters.Scope);
        Assert.Equal("ci", parameters.Identity);
        Assert.Equal("default", parameters.App);
    }

    [Fact]
    public void Reads_permissions_and_repositories()
    {
        var parameters = Parse("""{"scope":"org","identity":"ci","permissions":{"contents":"read","issues":"write"},"repositories":["a","b"]}""");
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "read", ["issues"] = "write" }, parameters.Permissions);
        Assert.Equal(["a", "b"], parameters.Repositories);
    }

    // security.md 5.A A09-A12.
    [Theory]
    [InlineData("""{"scope":"org/a","scope":"org/b","identity":"ci"}""", "duplicate_parameter")]
    [InlineData("""{"scope":"org/r","identity":"x","permission":{"administration":"write"}}""", "malformed_json")]
    [InlineData("""{"scope":"org/r","identity":"x","permissions":["administration"]}""", "malformed_json")]
    [InlineData("""{"scope":"org/r","identity":"x","permissions":{"administration":true}}""", "malformed_json")]
    [InlineData("""{"scope":"org/r","identity":"x","repositories":[true]}""", "malformed_json")]
    [InlineData("""{"scope":"org/r","identity":"x","repositories":{"a":"b"}}""", "malformed_json")]
    [InlineData("""{"scope":"org/r","identity":"x","permissions":{"contents":"read"},"permissions":{"issues":"read"}}""", "duplicate_parameter")]
    [InlineData("""{"scope":"org/r","identity":"x","repositories":["a"],"repositories":["b"]}""", "duplicate_parameter")]
    [InlineData("""{"scope":"org/r","identity":"x","permissions":{"contents":"read","contents":"write"}}""", "invalid_permissions")]
    [InlineData("""{"scope":"org/r","identity":"x","repositories":["a","A"]}""", "invalid_repositories")]
    [InlineData("""{"Scope":"org/r","identity":"x"}""", "malformed_json")]
    [InlineData("""{"scope":1,"identity":"x"}""", "malformed_json")]
    [InlineData("""[1,2,3]""", "malformed_json")]
    [InlineData("""{"scope":"org/r"}{"identity":"x"}""", "malformed_json")]
    [InlineData("""{"scope":"org/r",}""", "malformed_json")]
    [InlineData("", "malformed_json")]
    public void Rejects_ambiguous_or_unknown_input(string json, string reason)
    {
        var e = Assert.Throws<ExchangeException>(() => Parse(json));
        Assert.Equal(ExchangeErrorKind.InvalidRequest, e.Kind);
        Assert.Equal(reason, e.ReasonCode);
    }

    [Fact]
    public void Rejects_deep_nesting() =>
        Assert.Throws<ExchangeException>(() => Parse("{\"scope\":" + new string('[', 100) + new string(']', 100) + "}"));

    [Fact]
    public void Rejects_invalid_utf8()
    {
        byte[] body = [.. "{\"scope\":\"org/r\",\"identity\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        var e = Assert.Throws<ExchangeException>(() => StrictJsonBody.Parse(new ReadOnlySequence<byte>(body), new ExchangeParameters()));
        Assert.Equal(ExchangeErrorKind.InvalidRequest, e.Kind);
    }

    private static ExchangeParameters Parse(string json)
    {
        var parameters = new ExchangeParameters();
        StrictJsonBody.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), parameters);
        return parameters;
    }
}
