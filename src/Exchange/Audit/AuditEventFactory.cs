using GithubSts.Exchange.Pipeline;

namespace GithubSts.Exchange.Audit;

internal static class AuditEventFactory
{
    private const int MaxFieldLength = 200;

    public static AuditEvent Create(ExchangeOutcome outcome, DateTimeOffset now)
    {
        var context = outcome.Context;
        var request = context.Request;

        // Steps that never ran left their properties unset: read them as possibly null.
        var caller = (Identity.ValidatedIdentity?)context.Caller;
        var policy = (PolicySources.ResolvedPolicy?)context.Policy;
        var app = (Apps.GitHubAppRuntime?)context.App;
        var result = outcome.Result;

        // A token minted for a caller that went away: audited with what was minted (and revoked).
        var minted = result ?? context.Result;
        return new AuditEvent
        {
            Time = now,
            RequestId = request.RequestId,
            Endpoint = request.Endpoint,
            Result = ExchangeResults.NameOf(outcome),
            Reason = outcome.Error?.ReasonCode,
            App = app?.Name ?? Clip(request.App),
            Scope = Clip(request.Scope),
            Identity = Clip(request.Identity),
            Issuer = caller?.Issuer,
            Subject = caller?.Subject,
            TokenId = caller?.TokenId,
            Audience = caller?.Audiences,
            PolicySource = policy?.Origin,
            InstallationId = context.InstallationId == 0 ? null : context.InstallationId,
            Permissions = minted?.Permissions,
            Repositories = minted?.Repositories,
            TokenSha256 = minted is null ? null : context.TokenSha256(minted.Token),
            TokenRevoked = context.IssuedTokenRevoked,
            DurationMs = Math.Round(outcome.Duration.TotalMilliseconds, 3),
            ClientAddress = request.ClientAddress,
            UserAgent = request.UserAgent,
        };
    }

    /// <summary>Caller-supplied text may be anything until validated: bound it (JSON encoding escapes the rest).</summary>
    private static string? Clip(string? value) => value is null || value.Length <= MaxFieldLength ? value : value[..MaxFieldLength];
}
