using System.Buffers;
using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>Builds the body of POST /app/installations/{id}/access_tokens.</summary>
/// <remarks>
/// GitHub treats an omitted list as "everything the installation has", so permissions are always sent and
/// repositories are left out only when the caller passes null on purpose (an org-wide grant).
/// </remarks>
internal static class MintRequest
{
    public const int MaxRepositories = 500;

    public static void Validate(IReadOnlyDictionary<string, string> permissions, IReadOnlyList<string>? repositories)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        if (permissions.Count == 0)
        {
            throw new ArgumentException("At least one permission is required; GitHub would grant all of them.", nameof(permissions));
        }

        foreach (var (name, level) in permissions)
        {
            if (name is null || !GitHubNames.IsPermissionName(name) || level is null || PermissionLevels.Rank(level) is null)
            {
                throw new ArgumentException("Permissions must map lower-case names to read, write or admin.", nameof(permissions));
            }
        }

        if (repositories is null)
        {
            return;
        }

        if (repositories.Count is 0 or > MaxRepositories)
        {
            throw new ArgumentException(
                $"Repositories must list 1 to {MaxRepositories} names; pass null for a deliberate org-wide grant.", nameof(repositories));
        }

        foreach (var repository in repositories)
        {
            GitHubNames.ValidateRepository(repository, nameof(repositories));
        }
    }

    public static byte[] Write(IReadOnlyDictionary<string, string> permissions, IReadOnlyList<string>? repositories)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("permissions");
            foreach (var (name, level) in permissions.OrderBy(static p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, level);
            }

            writer.WriteEndObject();
            if (repositories is not null)
            {
                writer.WriteStartArray("repositories");
                foreach (var repository in repositories)
                {
                    writer.WriteStringValue(repository);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
