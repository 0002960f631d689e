using System.Globalization;

namespace GithubSts.Testing.GitHub;

/// <summary>A canned failure the simulator answers instead of serving the request.</summary>
/// <param name="Headers">Added to (and overriding) the usual x-ratelimit-* headers.</param>
/// <param name="Body">Defaults to a GitHub-style error containing <see cref="SecretBodyMarker"/>.</param>
/// <param name="DropConnection">Abort the connection instead of answering.</param>
public sealed record GitHubFault(
    int StatusCode,
    IReadOnlyDictionary<string, string>? Headers = null,
    string? Body = null,
    bool DropConnection = false)
{
    /// <summary>Text every default fault body contains, so tests can assert it never reaches messages or responses.</summary>
    public const string SecretBodyMarker = "SECRET-UPSTREAM-BODY";

    public static string DefaultBody { get; } =
        "{\"message\":\"Simulated failure " + SecretBodyMarker + "\",\"documentation_url\":\"https://docs.github.com/rest\"}";

    public static GitHubFault Status(int statusCode) => new(statusCode);

    /// <summary>Primary quota exhausted: x-ratelimit-remaining 0 and x-ratelimit-reset at <paramref name="reset"/>.</summary>
    public static GitHubFault PrimaryRateLimit(DateTimeOffset reset, int statusCode = 403) => new(
        statusCode,
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["x-ratelimit-remaining"] = "0",
            ["x-ratelimit-reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        });

    /// <summary>Secondary limit: a retry-after header in whole seconds.</summary>
    public static GitHubFault SecondaryRateLimit(TimeSpan retryAfter, int statusCode = 403) => new(
        statusCode,
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["retry-after"] = ((long)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        });

    public static GitHubFault ConnectionDrop() => new(0, DropConnection: true);
}
