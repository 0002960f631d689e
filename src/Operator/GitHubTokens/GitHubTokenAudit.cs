using GithubSts.Exchange.Audit;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Pipeline;
using GithubSts.Operator.Apis.V1Alpha1;

namespace GithubSts.Operator.GitHubTokens;

/// <summary>
/// One audit line per GitHubToken issuance, renewal and revocation, in the exchange's format with endpoint
/// <c>githubtoken</c>: <c>result</c> <c>success</c> (reason <c>issued</c> or <c>renewed</c>) or <c>revoked</c>
/// (reason <c>deleted</c>, <c>withdrawn</c> or <c>replaced</c>), <c>identity</c> the resource's namespace/name.
/// </summary>
/// <remarks>Nothing is written when the audit trail is off (neither <c>audit.stdout</c> nor <c>audit.filePath</c>).</remarks>
public sealed class GitHubTokenAudit(AuditTrail? trail, TimeProvider time)
{
    public const string Endpoint = "githubtoken";
    public const string Issued = "issued";
    public const string Renewed = "renewed";
    public const string Deleted = "deleted";
    public const string Withdrawn = "withdrawn";
    public const string Replaced = "replaced";

    public void Minted(GitHubToken resource, string app, string scope, long installationId, InstallationToken token, string reason, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(token);
        trail?.Record(Event(resource, app, scope, "success", reason, duration) with
        {
            InstallationId = installationId,
            Permissions = token.Permissions,
            Repositories = token.Repositories,
            TokenSha256 = TokenFingerprint.Sha256(token.Token),
        });
    }

    public void Revoked(GitHubToken resource, string app, string scope, string fingerprint, bool revoked, string reason) =>
        trail?.Record(Event(resource, app, scope, "revoked", reason, TimeSpan.Zero) with { TokenSha256 = fingerprint, TokenRevoked = revoked });

    private AuditEvent Event(GitHubToken resource, string app, string scope, string result, string reason, TimeSpan duration) => new()
    {
        Time = time.GetUtcNow(),
        RequestId = Guid.NewGuid().ToString("N"),
        Endpoint = Endpoint,
        Result = result,
        Reason = reason,
        App = app,
        Scope = scope,
        Identity = $"{resource.Metadata.Namespace}/{resource.Metadata.Name}",
        PolicySource = "githubtoken",
        DurationMs = duration.TotalMilliseconds,
    };
}
