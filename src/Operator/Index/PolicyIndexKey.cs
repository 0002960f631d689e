namespace GithubSts.Operator.Index;

/// <summary>What callers ask for: (app, scope, identity). The scope is lower-cased because GitHub names are case-insensitive.</summary>
public readonly record struct PolicyIndexKey
{
    public PolicyIndexKey(string app, string scope, string identity)
    {
        App = app;
        Scope = scope.ToLowerInvariant();
        Identity = identity;
    }

    public string App { get; }

    public string Scope { get; }

    public string Identity { get; }

    public override string ToString() => $"{App}:{Scope}:{Identity}";
}
