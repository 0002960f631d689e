namespace GithubSts.Testing.GitHub;

/// <summary>What clients sent; each property returns a snapshot.</summary>
public sealed partial class GitHubSimulator
{
    private readonly List<SimulatedMint> _mints = [];
    private readonly List<SimulatedRevocation> _revocations = [];
    private readonly List<SimulatedContentRead> _contentReads = [];
    private readonly List<SimulatedRequest> _requests = [];
    private readonly Dictionary<GitHubEndpointKind, int> _requestCounts = [];

    public IReadOnlyList<SimulatedMint> Mints => Snapshot(_mints);

    public IReadOnlyList<SimulatedRevocation> Revocations => Snapshot(_revocations);

    public IReadOnlyList<SimulatedContentRead> ContentReads => Snapshot(_contentReads);

    public IReadOnlyList<SimulatedRequest> Requests => Snapshot(_requests);

    /// <summary>Every request that reached the simulator, including faulted and unknown ones.</summary>
    public int RequestCount
    {
        get { lock (_gate) { return _requests.Count; } }
    }

    public int GetRequestCount(GitHubEndpointKind kind)
    {
        lock (_gate)
        {
            return _requestCounts.GetValueOrDefault(kind);
        }
    }

    /// <summary>True when the simulator issued this token and it has been revoked.</summary>
    public bool IsRevoked(string token)
    {
        lock (_gate)
        {
            return _tokens.TryGetValue(token, out var issued) && issued.Revoked;
        }
    }

    /// <summary>Clears counters and records; apps, installations, files, tokens and faults stay.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _mints.Clear();
            _revocations.Clear();
            _contentReads.Clear();
            _requests.Clear();
            _requestCounts.Clear();
            _checkRuns.Clear();
        }
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }

    private void Record<T>(List<T> list, T item)
    {
        lock (_gate)
        {
            list.Add(item);
        }
    }
}
