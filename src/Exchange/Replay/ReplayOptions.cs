using GithubSts.Exchange.Replay.Redis;

namespace GithubSts.Exchange.Replay;

public enum ReplayBackend
{
    /// <summary>Tokens may be exchanged repeatedly until they expire.</summary>
    None,

    /// <summary>An in-process store: correct for one replica only.</summary>
    Memory,

    /// <summary>A Redis server shared by all replicas.</summary>
    Redis,
}

/// <summary>Validated replay-protection settings.</summary>
public sealed class ReplayOptions
{
    public ReplayBackend Backend { get; init; } = ReplayBackend.None;

    /// <summary>Issuers whose tokens are legitimately reused (e.g. projected Kubernetes service-account tokens).</summary>
    public IReadOnlyList<string> ExemptIssuers { get; init; } = [];

    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Set when <see cref="Backend"/> is <see cref="ReplayBackend.Redis"/>.</summary>
    public RedisReplayOptions? Redis { get; init; }
}
