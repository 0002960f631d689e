using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Pipeline;

public sealed partial class ExchangePipeline
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Exchange succeeded request_id={RequestId} endpoint={Endpoint} app={App} scope={Scope} identity={Identity} iss={Issuer} sub={Subject} jti={TokenId} policy={PolicyOrigin} installation={InstallationId} token_sha256={TokenSha256} duration_ms={DurationMs}")]
    private partial void LogExchangeSucceeded(
        string requestId, string endpoint, string app, string scope, string identity, string issuer, string subject,
        string? tokenId, string policyOrigin, long installationId, string tokenSha256, double durationMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Exchange denied request_id={RequestId} endpoint={Endpoint} reason={Reason} app={App} scope={Scope} identity={Identity} iss={Issuer} sub={Subject} detail={Detail} duration_ms={DurationMs}")]
    private partial void LogExchangeDenied(
        string requestId, string endpoint, string reason, string? app, string? scope, string? identity, string? issuer,
        string? subject, string detail, double durationMs);
}
