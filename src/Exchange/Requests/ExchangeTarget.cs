namespace GithubSts.Exchange.Requests;

/// <summary>The <c>scope</c> of an exchange: an organization (or user) and optionally one repository.</summary>
public sealed record ExchangeTarget
{
    // The scope text, built once: the TrustPolicy index looks every exchange up by it. Each name's init accessor
    // rebuilds it, so a `with` copy can never keep a stale text, and as a function of the two names it leaves
    // equality as it was.
    private readonly string _text = string.Empty;

    public ExchangeTarget(string Owner, string? Repository)
    {
        this.Owner = Owner;
        this.Repository = Repository;
    }

    public string Owner
    {
        get;
        init
        {
            field = value;
            _text = Compose(value, Repository);
        }
    }

    public string? Repository
    {
        get;
        init
        {
            field = value;
            _text = Compose(Owner, value);
        }
    }

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

    public void Deconstruct(out string owner, out string? repository) => (owner, repository) = (Owner, Repository);

    public override string ToString() => _text;

    private static string Compose(string? owner, string? repository) =>
        repository is null ? owner ?? string.Empty : string.Concat(owner, "/", repository);
}
