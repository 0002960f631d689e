namespace GithubSts.Testing.GitHub;

/// <summary>Fault injection; every member is thread-safe and may change while requests are in flight.</summary>
public sealed partial class GitHubSimulator
{
    private readonly Dictionary<GitHubEndpointKind, Queue<GitHubFault>> _faults = [];
    private readonly Dictionary<GitHubEndpointKind, TimeSpan> _latency = [];
    private MintTampering? _mintTampering;
    private bool _statelessTokenFormat;
    private int _rateLimitRemaining = 4999;

    /// <summary>Applied to every mint until set back to null.</summary>
    public MintTampering? MintTampering
    {
        get { lock (_gate) { return _mintTampering; } }
        set { lock (_gate) { _mintTampering = value; } }
    }

    /// <summary>Issue long "ghs_APPID_..." tokens like GitHub's stateless format instead of 40-character ones.</summary>
    public bool StatelessTokenFormat
    {
        get { lock (_gate) { return _statelessTokenFormat; } }
        set { lock (_gate) { _statelessTokenFormat = value; } }
    }

    /// <summary>The x-ratelimit-remaining sent on every answer (unless a fault overrides it).</summary>
    public int RateLimitRemaining
    {
        get { lock (_gate) { return _rateLimitRemaining; } }
        set { lock (_gate) { _rateLimitRemaining = value; } }
    }

    /// <summary>The next <paramref name="count"/> requests of this kind get <paramref name="fault"/> instead of an answer.</summary>
    public void FailNext(GitHubEndpointKind kind, GitHubFault fault, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_gate)
        {
            if (!_faults.TryGetValue(kind, out var queue))
            {
                _faults[kind] = queue = new Queue<GitHubFault>();
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Delays every answer of this kind; <see cref="TimeSpan.Zero"/> removes the delay.</summary>
    public void SetLatency(GitHubEndpointKind kind, TimeSpan latency)
    {
        lock (_gate)
        {
            _latency[kind] = latency;
        }
    }

    /// <summary>Removes queued faults, latency and mint tampering.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
            _latency.Clear();
            _mintTampering = null;
        }
    }

    private GitHubFault? TakeFault(GitHubEndpointKind kind)
    {
        lock (_gate)
        {
            return _faults.TryGetValue(kind, out var queue) && queue.TryDequeue(out var fault) ? fault : null;
        }
    }

    private TimeSpan LatencyOf(GitHubEndpointKind kind)
    {
        lock (_gate)
        {
            return _latency.GetValueOrDefault(kind);
        }
    }
}
