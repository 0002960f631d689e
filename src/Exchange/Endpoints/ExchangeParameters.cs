using Microsoft.Extensions.Primitives;

namespace GithubSts.Exchange.Endpoints;

/// <summary>The exchange parameters, from whichever part of the request carried them.</summary>
internal sealed class ExchangeParameters
{
    public static readonly string[] Names = ["scope", "identity", "app"];

    public string? Scope { get; private set; }

    public string? Identity { get; private set; }

    public string? App { get; private set; }

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

    /// <summary>Copies the known names from query or form values; other names are ignored (octo-sts compatible).</summary>
    public void SetFrom(Func<string, StringValues> lookup)
    {
        foreach (var name in Names)
        {
            var values = lookup(name);
            if (values.Count > 1)
            {
                throw RequestErrors.Duplicate(name);
            }

            if (values.Count == 1)
            {
                Set(name, values[0] ?? string.Empty);
            }
        }
    }
}
