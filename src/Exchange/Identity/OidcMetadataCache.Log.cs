using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Identity;

public sealed partial class OidcMetadataCache
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Fetched OIDC metadata for issuer {Issuer}: {KeyCount} usable signing keys")]
    private partial void LogMetadataFetched(string issuer, int keyCount);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "Fetching OIDC metadata for issuer {Issuer} failed: {Failure} Last-known-good copy kept: {HasLastKnownGood}")]
    private partial void LogMetadataFetchFailed(string issuer, string failure, bool hasLastKnownGood);
}
