using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.PolicySources;
using GithubSts.Exchange.Requests;

namespace GithubSts.Exchange.Pipeline;

/// <summary>State carried through the steps. Each property is set by exactly one step.</summary>
public sealed class ExchangeContext(ExchangeRequest request)
{
    public ExchangeRequest Request { get; } = request;

    /// <summary>Set by the request validation step.</summary>
    public ExchangeTarget Target { get; set; } = null!;

    /// <summary>The validated policy identity name. Set by the request validation step.</summary>
    public string Identity { get; set; } = null!;

    /// <summary>Set by the app selection step.</summary>
    public GitHubAppRuntime App { get; set; } = null!;

    /// <summary>Set by the token validation step.</summary>
    public ValidatedIdentity Caller { get; set; } = null!;

    /// <summary>Set by the policy resolution step.</summary>
    public ResolvedPolicy Policy { get; set; } = null!;

    /// <summary>The permissions to mint: the caller's narrowed request, or the policy's. Set by the narrowing step.</summary>
    public IReadOnlyDictionary<string, string>? Permissions { get; set; }

    /// <summary>The repositories the caller narrowed to (each allowed by the policy), or null for the policy's. Set by the narrowing step.</summary>
    public IReadOnlyList<string>? NarrowedRepositories { get; set; }

    /// <summary>Set by the minting step.</summary>
    public long InstallationId { get; set; }

    /// <summary>Set by the minting step.</summary>
    public ExchangeResult? Result { get; set; }

    /// <summary>Revokes the minted token (set by the minting step); true when GitHub confirmed it.</summary>
    public Func<CancellationToken, Task<bool>>? RevokeIssued { get; set; }

    /// <summary>Set when the minted token could not be delivered: whether it was revoked.</summary>
    public bool? IssuedTokenRevoked { get; set; }

    private List<Func<Task>>? _onFailure;

    // The issued token's SHA-256, kept with the token it is of: the Information line and the audit event both carry it.
    private IssuedTokenFingerprint? _fingerprint;

    /// <summary>The SHA-256 of <paramref name="token"/> (<see cref="TokenFingerprint"/>), computed once per exchange.</summary>
    internal string TokenSha256(string token)
    {
        var known = _fingerprint;
        if (known is null || !ReferenceEquals(known.Token, token))
        {
            known = new IssuedTokenFingerprint(token, TokenFingerprint.Sha256(token));
            _fingerprint = known;
        }

        return known.Sha256;
    }

    /// <summary>Registers work to undo when a later step fails (e.g. release a replay reservation).</summary>
    public void OnFailure(Func<Task> undo) => (_onFailure ??= []).Add(undo);

    internal void ClearFailureCallbacks() => _onFailure = null;

    internal async Task RunFailureCallbacksAsync()
    {
        if (_onFailure is null)
        {
            return;
        }

        for (var i = _onFailure.Count - 1; i >= 0; i--)
        {
            await _onFailure[i]();
        }
    }
}
