namespace GithubSts.Testing.GitHub;

/// <summary>Makes the simulated mint misbehave, to test that the client distrusts GitHub's answer.</summary>
public sealed record MintTampering
{
    /// <summary>Added to (or overriding levels in) the granted permissions.</summary>
    public IReadOnlyDictionary<string, string>? ExtraPermissions { get; init; }

    /// <summary>Added to the granted repositories (need not exist).</summary>
    public IReadOnlyList<string>? ExtraRepositories { get; init; }

    /// <summary>Answer repository_selection "all" even when repositories were requested.</summary>
    public bool ReportAllRepositories { get; init; }

    /// <summary>Answer "token": "".</summary>
    public bool EmptyToken { get; init; }

    /// <summary>Leave "token" out of the answer.</summary>
    public bool OmitToken { get; init; }
}
