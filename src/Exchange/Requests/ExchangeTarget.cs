namespace GithubSts.Exchange.Requests;

/// <summary>The <c>scope</c> of an exchange: an organization (or user) and optionally one repository.</summary>
public sealed record ExchangeTarget(string Owner, string? Repository)
{
    // The scope text, built once: the TrustPolicy index looks every exchange up by it. Derived from the two names only,
    // so it changes nothing about equality (and nothing uses `with` on a target, which would leave it stale).
    private readonly string _text = Repository is null ? Owner : string.Concat(Owner, "/", Repository);

    public bool IsOrganization => Repository is null;

    /// <summary>Parses <c>org</c> or <c>org/repo</c> strictly; anything else (extra slashes, <c>..</c>, escapes) is refused.</summary>
    public static bool TryParse(string? scope, out ExchangeTarget target)
    {
        target = null!;
        if (string.IsNullOrEmpty(scope))
        {
            return false;
        }

        var slash = scope.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            if (!NameGrammar.IsOwner(scope))
            {
                return false;
            }

            target = new ExchangeTarget(scope, null);
            return true;
        }

        var owner = scope.AsSpan(0, slash);
        var repository = scope.AsSpan(slash + 1);
        if (!NameGrammar.IsOwner(owner) || !NameGrammar.IsRepository(repository))
        {
            return false;
        }

        target = new ExchangeTarget(owner.ToString(), repository.ToString());
        return true;
    }

    public override string ToString() => _text;
}
