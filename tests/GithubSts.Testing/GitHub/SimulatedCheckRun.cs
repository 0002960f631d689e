namespace GithubSts.Testing.GitHub;

/// <summary>A check run the simulator accepted, as the client sent it, and the token that created it.</summary>
public sealed record SimulatedCheckRun(
    string Owner,
    string Repository,
    string Name,
    string HeadSha,
    string Status,
    string? Conclusion,
    string? Title,
    string? Summary,
    IReadOnlyList<SimulatedAnnotation> Annotations,
    string Token,
    IReadOnlyDictionary<string, string> TokenPermissions,
    IReadOnlyList<string>? TokenRepositories);

/// <summary>One annotation of a check run.</summary>
public sealed record SimulatedAnnotation(string Path, int StartLine, int EndLine, string Level, string? Title, string Message);
