namespace GithubSts.Testing.GitHub;

/// <summary>Any request that reached the simulator, with the headers the GitHub API cares about.</summary>
/// <param name="Kind">Null for a path the simulator does not serve.</param>
/// <param name="AuthorizationScheme">"Bearer", "token" or empty; the credential itself is not kept.</param>
/// <param name="HeaderNames">Every request header's name, lower case (no value is kept).</param>
public sealed record SimulatedRequest(
    string Method,
    string RawTarget,
    GitHubEndpointKind? Kind,
    string Accept,
    string ApiVersion,
    string UserAgent,
    string AuthorizationScheme,
    IReadOnlyList<string> HeaderNames);
