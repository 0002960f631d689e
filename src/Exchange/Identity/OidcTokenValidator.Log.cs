using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Identity;

public sealed partial class OidcTokenValidator
{
    // Debug only: the exchange pipeline records the decision; this adds the validator's fixed-text detail.
    // Neither message nor reason contains token content.
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "OIDC token rejected ({Reason}): {Detail}")]
    private partial void LogTokenRejected(TokenRejectionReason reason, string detail);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "OIDC issuer {Issuer} unavailable while validating a token")]
    private partial void LogIssuerUnavailable(string issuer);
}
