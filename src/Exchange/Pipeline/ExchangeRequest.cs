namespace GithubSts.Exchange.Pipeline;

/// <summary>What a caller asked for, as received (nothing validated yet).</summary>
public sealed class ExchangeRequest
{
    public required string? Scope { get; init; }

    public required string? Identity { get; init; }

    public string? App { get; init; }

    /// <summary>Permissions the caller asks for, well formed (see <see cref="Requests.RequestedNarrowing"/>); null: the policy's.</summary>
    public IReadOnlyDictionary<string, string>? RequestedPermissions { get; init; }

    /// <summary>Repositories the caller asks for, well formed; null: the policy's.</summary>
    public IReadOnlyList<string>? RequestedRepositories { get; init; }

    /// <summary>The caller's OIDC JWT (bearer header or RFC 8693 <c>subject_token</c>).</summary>
    public required string? SubjectToken { get; init; }

    public required string RequestId { get; init; }

    /// <summary>
    /// Why the Authorization header could not be used (reason code), when it could not: the pipeline refuses the
    /// request with 401 so that the refusal is logged and audited like every other.
    /// </summary>
    public string? AuthorizationProblem { get; init; }

    /// <summary>
    /// Why the request itself could not be used, found while reading its query or body (content type, JSON, form,
    /// RFC 8693 parameters): the pipeline refuses with it before anything else, so that such refusals are logged,
    /// audited and counted like every other. The parameters above then hold whatever was read before it.
    /// </summary>
    public ExchangeException? RequestProblem { get; init; }

    /// <summary>Which API shape carried the request (for logs and audit only).</summary>
    public string Endpoint { get; init; } = "exchange";

    /// <summary>The caller's address as the server saw it (audit only).</summary>
    public string? ClientAddress { get; init; }

    /// <summary>The caller's User-Agent, truncated (audit only).</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// Fires when the caller goes away. It does not cancel the exchange (a mint in flight completes and is audited); the
    /// mint is not started once it fired, and a token minted for a caller that left is revoked.
    /// </summary>
    public CancellationToken ClientAborted { get; init; }
}
