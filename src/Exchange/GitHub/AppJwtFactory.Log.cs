using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.GitHub;

public sealed partial class AppJwtFactory
{
    // Only the App, the signer kind and the failure: never the signature, the JWT or a credential.
    [LoggerMessage(EventId = 4160, Level = LogLevel.Debug, Message = "App JWT for '{App}' signed by {Signer}")]
    private partial void LogSigned(string app, string signer);

    [LoggerMessage(EventId = 4161, Level = LogLevel.Warning,
        Message = "App JWT for '{App}' could not be signed by {Signer} ({Reason}): {Detail}; its exchanges fail until it recovers")]
    private partial void LogSignerFailed(string app, string signer, string reason, string detail);
}
