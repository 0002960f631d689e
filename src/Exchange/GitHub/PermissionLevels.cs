namespace GithubSts.Exchange.GitHub;

/// <summary>GitHub permission levels are ordered: read &lt; write &lt; admin.</summary>
internal static class PermissionLevels
{
    /// <summary>The level's rank, or null for a level this service does not know (treated as broader than anything).</summary>
    public static int? Rank(string level) => level switch
    {
        "read" => 1,
        "write" => 2,
        "admin" => 3,
        _ => null,
    };

    public static bool IsWithin(string granted, string requested) =>
        Rank(granted) is { } grantedRank && Rank(requested) is { } requestedRank && grantedRank <= requestedRank;
}
