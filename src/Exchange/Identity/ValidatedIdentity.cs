using System.Text.Json;

namespace GithubSts.Exchange.Identity;

/// <summary>
/// A caller's OIDC token after signature, issuer, structure and time checks passed.
/// The audience is carried but not yet judged: which audience is acceptable depends on the trust policy.
/// </summary>
public sealed class ValidatedIdentity
{
    public required string Issuer { get; init; }

    public required string Subject { get; init; }

    /// <summary>The token's <c>aud</c>, normalised to a non-empty list of non-empty strings.</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? IssuedAt { get; init; }

    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The <c>jti</c> claim when present.</summary>
    public string? TokenId { get; init; }

    /// <summary>Hex SHA-256 of the raw token: a replay key when there is no <c>jti</c>, and safe to log.</summary>
    public required string TokenHash { get; init; }

    /// <summary>
    /// Hex SHA-256 of the ASCII <c>header.payload</c>: what the issuer signed, without the signature bytes (an ECDSA
    /// signature can be re-encoded by anyone, s → n − s, into a second valid token). The replay key of a token without
    /// <c>jti</c>. Both validators set it; an identity built without it (test doubles) is keyed on <see cref="TokenHash"/>.
    /// </summary>
    public string? SignedContentHash { get; init; }

    /// <summary>
    /// For a GitHub Actions token with an immutable-form subject (<c>repo:owner@1/repo@2:…</c>), the name form its own
    /// claims confirm (see <see cref="GitHubSubjectForms"/>): name-form <c>subject</c>/<c>subject_pattern</c> rules
    /// also match it. Null otherwise.
    /// </summary>
    public string? NameFormSubject { get; private set; }

    /// <summary>A copy with <see cref="NameFormSubject"/> set.</summary>
    public ValidatedIdentity WithNameFormSubject(string nameFormSubject)
    {
        var copy = (ValidatedIdentity)MemberwiseClone();
        copy.NameFormSubject = nameFormSubject;
        return copy;
    }

    /// <summary>The verified payload (a JSON object without duplicate members at any depth).</summary>
    public required JsonElement Claims { get; init; }

    /// <summary>
    /// Finds a claim by exact top-level name first, then by dotted path into nested objects
    /// (<c>"kubernetes.io.namespace"</c> reaches <c>{"kubernetes.io":{"namespace":…}}</c> via the exact-name rule at each level).
    /// </summary>
    public bool TryGetClaim(string name, out JsonElement value) => ClaimPath.TryResolve(Claims, name, out value);
}
