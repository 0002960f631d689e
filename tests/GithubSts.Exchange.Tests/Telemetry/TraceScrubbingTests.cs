using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Telemetry;

namespace GithubSts.Exchange.Tests.Telemetry;

public sealed class TraceScrubbingTests
{
    [Theory]
    [InlineData("https://api.github.com/app/installations/1/access_tokens", "https://api.github.com/app/installations/1/access_tokens")]
    [InlineData("https://user:secret@ghe.example.com:8443/api/v3/repos/o/r/contents/p?ref=main&access_token=ghs_x#f", "https://ghe.example.com:8443/api/v3/repos/o/r/contents/p")]
    public void Outgoing_urls_lose_user_info_query_and_fragment(string url, string expected) =>
        Assert.Equal(expected, TraceExport.WithoutQuery(new Uri(url)));

    [Fact]
    public void Step_spans_are_named_after_the_step_type_without_the_suffix() =>
        Assert.Equal("Sample", ExchangeTracing.SpanName(new SampleStep()));

    private sealed class SampleStep : IExchangeStep
    {
        public int Order => 0;

        public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
