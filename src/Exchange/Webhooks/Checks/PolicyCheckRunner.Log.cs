using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Webhooks.Checks;

public sealed partial class PolicyCheckRunner
{
    [LoggerMessage(EventId = 7411, Level = LogLevel.Information,
        Message = "App {App}: check run on {Owner}/{Repository}@{HeadSha}: {Conclusion} with {Findings} findings")]
    private partial void LogCheckRunPosted(string app, string owner, string repository, string headSha, string conclusion, int findings);

    [LoggerMessage(EventId = 7412, Level = LogLevel.Warning,
        Message = "App {App}: {Files} changed policy files in {Owner}/{Repository} were not checked: the installation lacks checks: write (grant it on the App to get the github-sts policy check run)")]
    private partial void LogChecksNotPermitted(string app, string owner, string repository, int files);

    [LoggerMessage(EventId = 7413, Level = LogLevel.Warning,
        Message = "App {App}: installation {InstallationId} of the delivery is not this App's installation on the repository's owner; nothing checked")]
    private partial void LogUnknownInstallation(string app, long installationId);

    [LoggerMessage(EventId = 7414, Level = LogLevel.Warning, Message = "App {App}: revoking a check-run token failed (status {Status})")]
    private partial void LogRevokeFailed(string app, int? status);

    [LoggerMessage(EventId = 7415, Level = LogLevel.Warning,
        Message = "App {App}: {Owner}/{Repository} or its commits are not accessible to the installation; nothing checked")]
    private partial void LogRepositoryNotAccessible(string app, string owner, string repository);
}
