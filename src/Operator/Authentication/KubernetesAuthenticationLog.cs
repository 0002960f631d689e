using GithubSts.Exchange.Identity;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Authentication;

/// <summary>
/// Log messages of the Kubernetes token validator. None carries a token: at most the first 12 hex digits of its SHA-256,
/// fixed text written here, and API-server text with the token's signature redacted.
/// </summary>
internal static partial class KubernetesAuthenticationLog
{
    // Debug only, as for the OIDC validator: the exchange pipeline records the decision.
    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Kubernetes token {TokenHash} rejected ({Reason}): {Detail}")]
    public static partial void TokenRejected(ILogger logger, string tokenHash, TokenRejectionReason reason, string detail);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Kubernetes token {TokenHash} not validated, the API server is unavailable: {Detail}")]
    public static partial void ClusterUnavailable(ILogger logger, string tokenHash, string detail);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information,
        Message = "Cluster service-account issuer {Issuer} discovered (previously {PreviousIssuer}): {KeyCount} usable signing keys")]
    public static partial void ClusterIssuerDiscovered(ILogger logger, string issuer, string? previousIssuer, int keyCount);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Debug, Message = "Cluster service-account keys for {Issuer} refreshed: {KeyCount} usable signing keys")]
    public static partial void ClusterKeysRefreshed(ILogger logger, string issuer, int keyCount);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning,
        Message = "The cluster's service-account issuer metadata is not usable: {Failure} Last-known-good copy kept: {HasLastKnownGood}")]
    public static partial void ClusterMetadataInvalid(ILogger logger, string failure, bool hasLastKnownGood);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning,
        Message = "Fetching the cluster's service-account issuer metadata from the API server failed. Last-known-good copy kept: {HasLastKnownGood}")]
    public static partial void ClusterMetadataUnavailable(ILogger logger, Exception exception, bool hasLastKnownGood);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Warning,
        Message = "TokenReview for token {TokenHash} failed ({ExceptionType}): {Failure}")]
    public static partial void TokenReviewFailed(ILogger logger, string tokenHash, string exceptionType, string failure);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Debug,
        Message = "TokenReview refused token {TokenHash}: {Detail} API server said: {ApiError}")]
    public static partial void TokenReviewRefused(ILogger logger, string tokenHash, string detail, string apiError);

    [LoggerMessage(EventId = 1209, Level = LogLevel.Debug,
        Message = "Kubernetes token {TokenHash} for {Subject} accepted (TokenReview: {Review})")]
    public static partial void TokenAccepted(ILogger logger, string tokenHash, string subject, string review);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Critical, Message = "Configuration error: {Detail}")]
    public static partial void ClusterIssuerConflict(ILogger logger, string detail);
}
