namespace GithubSts.Testing.Oidc;

/// <summary>Fault switches for one endpoint of <see cref="TestOidcIssuer"/>. Thread-safe; change them at any time.</summary>
public sealed class EndpointFaults
{
    /// <summary>A body a misbehaving upstream might send: tests assert it never reaches callers or logs.</summary>
    public const string SecretErrorBody = "upstream-secret-SECRET123 db=postgres://admin:hunter2@10.0.0.5";

    private volatile int statusCode;
    private long delayTicks;
    private volatile string? redirectTo;
    private volatile string? body;
    private long oversizedBodyBytes;

    /// <summary>Answer with this status (and <see cref="SecretErrorBody"/>) instead of the document.</summary>
    public int? StatusCode
    {
        get => statusCode == 0 ? null : statusCode;
        set => statusCode = value ?? 0;
    }

    /// <summary>Wait this long (real time) before answering; aborted when the client goes away.</summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref delayTicks));
        set => Interlocked.Exchange(ref delayTicks, value.Ticks);
    }

    /// <summary>Answer <c>302 Found</c> with this Location.</summary>
    public string? RedirectTo
    {
        get => redirectTo;
        set => redirectTo = value;
    }

    /// <summary>Answer 200 with this exact body (garbage, HTML, a hand-written document).</summary>
    public string? Body
    {
        get => body;
        set => body = value;
    }

    /// <summary>When positive, answer 200 with a JSON-looking body of this many bytes, streamed without Content-Length.</summary>
    public long OversizedBodyBytes
    {
        get => Interlocked.Read(ref oversizedBodyBytes);
        set => Interlocked.Exchange(ref oversizedBodyBytes, value);
    }

    public void Reset()
    {
        StatusCode = null;
        Delay = TimeSpan.Zero;
        RedirectTo = null;
        Body = null;
        OversizedBodyBytes = 0;
    }
}
