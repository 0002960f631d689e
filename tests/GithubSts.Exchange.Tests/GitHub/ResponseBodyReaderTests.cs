using GithubSts.Exchange.GitHub;

namespace GithubSts.Exchange.Tests.GitHub;

public class ResponseBodyReaderTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(4095, false)]
    [InlineData(4096, false)]
    [InlineData(4097, false)]
    [InlineData(70_000, false)]
    [InlineData(70_000, true)]
    public async Task The_whole_body_under_the_cap_is_returned_exactly(int size, bool declareLength)
    {
        var body = Body(size);

        var read = await ResponseBodyReader.ReadAtMostAsync(Content(body, declareLength), 100 * 1024, default);

        Assert.Equal(body, read);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_cap_is_refused(bool declareLength)
    {
        Assert.Null(await ResponseBodyReader.ReadAtMostAsync(Content(Body(10_001), declareLength), 10_000, default));
        Assert.NotNull(await ResponseBodyReader.ReadAtMostAsync(Content(Body(10_000), declareLength), 10_000, default));
    }

    [Fact]
    public async Task A_prefix_stops_at_the_limit()
    {
        var body = Body(50_000);

        var prefix = await ResponseBodyReader.ReadPrefixAsync(Content(body, declareLength: false), 9_000, default);

        Assert.Equal(body[..9_000], prefix);
    }

    private static byte[] Body(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)(i * 31))];

    private static StreamContent Content(byte[] body, bool declareLength)
    {
        // Without a declared length the reader must grow its buffer; the stream hands out odd-sized chunks.
        var content = new StreamContent(new ChunkedStream(body));
        if (declareLength)
        {
            content.Headers.ContentLength = body.Length;
        }

        return content;
    }

    private sealed class ChunkedStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 1_537), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
