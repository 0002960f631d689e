namespace GithubSts.Exchange.GitHub;

/// <summary>One API call as the transport sends it. Not a record: it holds a token that must never be formatted.</summary>
internal sealed class GitHubRequest
{
    public const string JsonMediaType = "application/vnd.github+json";
    public const string RawMediaType = "application/vnd.github.raw+json";

    public required GitHubAppCredentials App { get; init; }

    public required HttpMethod Method { get; init; }

    public required Uri Uri { get; init; }

    /// <summary>A fixed description such as "installation token mint": safe for messages and logs.</summary>
    public required string Operation { get; init; }

    /// <summary>Null signs the call with the App JWT; otherwise this installation token is sent.</summary>
    public string? InstallationToken { get; init; }

    public string Accept { get; init; } = JsonMediaType;

    /// <summary>Idempotent calls get one retry on a connection failure or 5xx; the mint POST never does.</summary>
    public bool Idempotent { get; init; }

    /// <summary>The quota this call spends (see <see cref="RateLimitTracker"/>); null for calls never paused locally.</summary>
    public string? RateLimitBucket { get; init; }

    public byte[]? JsonBody { get; init; }

    public bool UsesAppJwt => InstallationToken is null;

    public override string ToString() => $"{Method} {Operation}";
}
