using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Identity;

internal sealed partial class PinnedKeySource
{
    [LoggerMessage(EventId = 1103, Level = LogLevel.Information,
        Message = "Reloaded the pinned keys of issuer {Issuer} from {File}: {KeyCount} signing keys")]
    private partial void LogReloaded(string issuer, string file, int keyCount);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Error,
        Message = "Reloading the pinned keys of issuer {Issuer} from {File} failed; the previous keys stay in use: {Failure}")]
    private partial void LogReloadFailed(string issuer, string file, string failure);
}
