using System.Collections.Frozen;
using System.Text.Json;

namespace GithubSts.Exchange.GitHub;

/// <summary>The names in one repository directory (contents API), split into files and directories.</summary>
/// <remarks>
/// GitHub lists at most <see cref="MaxListedEntries"/> entries of a directory; a listing that reaches that size may be
/// cut short, so <see cref="IsComplete"/> is false and the absence of a name proves nothing.
/// </remarks>
public sealed class RepositoryDirectoryListing
{
    public const int MaxListedEntries = 1000;

    private RepositoryDirectoryListing(FrozenSet<string> files, FrozenSet<string> directories, bool isComplete)
    {
        Files = files;
        Directories = directories;
        IsComplete = isComplete;
    }

    /// <summary>Entry names of type <c>file</c> (ordinal: git paths are case-sensitive).</summary>
    public FrozenSet<string> Files { get; }

    /// <summary>Entry names of type <c>dir</c>.</summary>
    public FrozenSet<string> Directories { get; }

    public bool IsComplete { get; }

    /// <summary>Whether the entry may exist: always true for an incomplete listing.</summary>
    public bool MayContain(string name, bool isFile) =>
        !IsComplete || (isFile ? Files : Directories).Contains(name);

    /// <summary>
    /// Reads a contents-API directory answer (a JSON array of entries with <c>name</c> and <c>type</c>).
    /// Returns null when the answer is not an array (the path is a file, symlink or submodule, not a directory).
    /// </summary>
    /// <exception cref="FormatException">An entry is not an object with string <c>name</c> and <c>type</c>.</exception>
    public static RepositoryDirectoryListing? Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var files = new List<string>();
        var directories = new List<string>();
        var count = 0;
        foreach (var entry in root.EnumerateArray())
        {
            count++;
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("A directory entry lacks a string name or type.");
            }

            // Symlinks and submodules are neither: the raw file read of such a path is refused anyway.
            switch (type.GetString())
            {
                case "file": files.Add(name.GetString()!); break;
                case "dir": directories.Add(name.GetString()!); break;
            }
        }

        return new RepositoryDirectoryListing(
            files.ToFrozenSet(StringComparer.Ordinal), directories.ToFrozenSet(StringComparer.Ordinal), count < MaxListedEntries);
    }
}
