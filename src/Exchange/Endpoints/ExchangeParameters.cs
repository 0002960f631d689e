using GithubSts.Exchange.Requests;
using Microsoft.Extensions.Primitives;

namespace GithubSts.Exchange.Endpoints;

/// <summary>The exchange parameters, from whichever part of the request carried them.</summary>
internal sealed class ExchangeParameters
{
    /// <summary>The string parameters (a JSON body carries them as strings).</summary>
    public static readonly string[] Names = ["scope", "identity", "app"];

    /// <summary>Request-side narrowing: a JSON object and array in a JSON body, comma-separated text elsewhere.</summary>
    public const string PermissionsName = "permissions";

    public const string RepositoriesName = "repositories";

    public string? Scope { get; private set; }

    public string? Identity { get; private set; }

    public string? App { get; private set; }

    /// <summary>The permissions the caller asks for (null: the policy's).</summary>
    public IReadOnlyDictionary<string, string>? Permissions { get; private set; }

    /// <summary>The repositories the caller asks for (null: the policy's).</summary>
    public IReadOnlyList<string>? Repositories { get; private set; }

    /// <summary>Sets a parameter once; a second value from any part of the request is an error (no last-wins ambiguity).</summary>
    public void Set(string name, string value)
    {
        var existing = name switch
        {
            "scope" => Scope,
            "identity" => Identity,
            "app" => App,
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        if (existing is not null)
        {
            throw RequestErrors.Duplicate(name);
        }

        switch (name)
        {
            case "scope": Scope = value; break;
            case "identity": Identity = value; break;
            default: App = value; break;
        }
    }

    public void SetPermissions(IEnumerable<KeyValuePair<string, string>> requested)
    {
        if (Permissions is not null)
        {
            throw RequestErrors.Duplicate(PermissionsName);
        }

        Permissions = RequestedNarrowing.TryCreatePermissions(requested, out var permissions, out var problem)
            ? permissions
            : throw RequestErrors.InvalidNarrowing(PermissionsName, problem!);
    }

    public void SetRepositories(IEnumerable<string> requested)
    {
        if (Repositories is not null)
        {
            throw RequestErrors.Duplicate(RepositoriesName);
        }

        Repositories = RequestedNarrowing.TryCreateRepositories(requested, out var repositories, out var problem)
            ? repositories
            : throw RequestErrors.InvalidNarrowing(RepositoriesName, problem!);
    }

    /// <summary>
    /// Copies the known names from query or form values; other names are ignored (octo-sts compatible).
    /// <c>permissions=contents:read,issues:write</c>, <c>repositories=widgets,gadgets</c>.
    /// </summary>
    public void SetFrom(Func<string, StringValues> lookup)
    {
        foreach (var name in Names)
        {
            if (Single(lookup, name) is { } value)
            {
                Set(name, value);
            }
        }

        if (Single(lookup, PermissionsName) is { } permissions)
        {
            SetPermissions(SplitList(permissions).Select(ParsePermission));
        }

        if (Single(lookup, RepositoriesName) is { } repositories)
        {
            SetRepositories(SplitList(repositories));
        }
    }

    private static string? Single(Func<string, StringValues> lookup, string name)
    {
        var values = lookup(name);
        if (values.Count > 1)
        {
            throw RequestErrors.Duplicate(name);
        }

        return values.Count == 1 ? values[0] ?? string.Empty : null;
    }

    /// <summary>Comma-separated items, spaces around each allowed; an empty item is kept (and refused as a name).</summary>
    private static IEnumerable<string> SplitList(string text) =>
        text.Length == 0 ? [] : text.Split(',').Select(item => item.Trim(' '));

    private static KeyValuePair<string, string> ParsePermission(string item)
    {
        var colon = item.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? throw RequestErrors.InvalidNarrowing(PermissionsName, "each permission is name:level, e.g. contents:read")
            : new(item[..colon].Trim(' '), item[(colon + 1)..].Trim(' '));
    }
}
