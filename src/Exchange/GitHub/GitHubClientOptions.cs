namespace GithubSts.Exchange.GitHub;

/// <summary>Tuning for <see cref="GitHubApiClient"/>; the defaults suit github.com.</summary>
public sealed class GitHubClientOptions
{
    /// <summary>Upper bound for one API call, including its single retry and reading the body.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an owner's installation id is reused before it is looked up again.</summary>
    public TimeSpan InstallationCacheTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long "the App is not installed on this owner" is remembered.</summary>
    public TimeSpan InstallationNotFoundTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Owners remembered per App; bounds memory when callers name many distinct owners.</summary>
    public int InstallationCacheCapacity { get; set; } = 10_000;

    /// <summary>Base pause before the single retry of an idempotent call (jittered up to twice this); zero retries at once.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public string UserAgent { get; set; } = "github-sts";
}
