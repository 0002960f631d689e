using System.Text.Json;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// GitHub Actions subjects in the immutable form (<c>repo:octo-org@123/app@456:ref:refs/heads/main</c>, repositories
/// created or renamed after 2026-07-15) and the name form policies are written in
/// (<c>repo:octo-org/app:ref:refs/heads/main</c>). The name form is derived only when the token's own signed claims
/// agree with the subject: <c>repository_owner_id</c> and <c>repository_id</c> equal the ids in it, and
/// <c>repository_owner</c> and <c>repository</c> carry the names in it. So a name-form policy matches the same
/// repository as before, and nothing else; a policy in the id form matches only the id form.
/// </summary>
public static class GitHubSubjectForms
{
    private const string Prefix = "repo:";

    /// <summary>The name form of an id-form subject whose ids and names the claims confirm; otherwise null.</summary>
    public static string? NameFormOf(string subject, JsonElement claims)
    {
        if (!subject.StartsWith(Prefix, StringComparison.Ordinal) || claims.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var rest = subject.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return null;
        }

        var ownerPart = rest[..slash];
        var afterOwner = rest[(slash + 1)..];
        var colon = afterOwner.IndexOf(':');
        if (colon <= 0)
        {
            return null;
        }

        var repositoryPart = afterOwner[..colon];
        var tail = afterOwner[colon..];
        if (!TrySplit(ownerPart, out var owner, out var ownerId) || !TrySplit(repositoryPart, out var repository, out var repositoryId))
        {
            return null;
        }

        // Every part must be what the issuer signed in the claims, compared exactly.
        if (!ClaimEquals(claims, "repository_owner_id", ownerId)
            || !ClaimEquals(claims, "repository_id", repositoryId)
            || !ClaimEquals(claims, "repository_owner", owner)
            || !ClaimIsFullName(claims, owner, repository))
        {
            return null;
        }

        return $"{Prefix}{owner}/{repository}{tail}";
    }

    /// <summary><c>name@digits</c>, split at the only <c>@</c> (GitHub names never contain one).</summary>
    private static bool TrySplit(ReadOnlySpan<char> part, out ReadOnlySpan<char> name, out ReadOnlySpan<char> id)
    {
        name = id = default;
        var at = part.IndexOf('@');
        if (at <= 0 || at != part.LastIndexOf('@'))
        {
            return false;
        }

        name = part[..at];
        id = part[(at + 1)..];
        if (id.Length is 0 or > 20)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ClaimEquals(JsonElement claims, string name, ReadOnlySpan<char> expected) =>
        claims.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
        && value.GetString().AsSpan().SequenceEqual(expected);

    private static bool ClaimIsFullName(JsonElement claims, ReadOnlySpan<char> owner, ReadOnlySpan<char> repository)
    {
        if (!claims.TryGetProperty("repository", out var value) || value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var full = value.GetString().AsSpan();
        return full.Length == owner.Length + 1 + repository.Length
            && full.StartsWith(owner, StringComparison.Ordinal)
            && full[owner.Length] == '/'
            && full.EndsWith(repository, StringComparison.Ordinal);
    }
}
