using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.PolicySources;

public sealed partial class RepositoryPolicySource
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Loaded trust policy {Origin}")]
    private partial void LogPolicyLoaded(string origin);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Trust policy {Origin} is invalid and was not applied: {Code} at {Field}: {Problem}")]
    private partial void LogPolicyInvalid(string origin, string code, string field, string problem);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "No trust policy file {Path} in {Owner}/{Repository}")]
    private partial void LogPolicyFileNotFound(string owner, string repository, string path);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "App {App} is not installed for {Owner}")]
    private partial void LogNoInstallation(string app, string owner);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Policy repository {Owner}/{Repository} is not accessible to the installation")]
    private partial void LogPolicyRepositoryNotAccessible(string owner, string repository);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "GitHub policy read failed ({Reason}); serving the last good copy of {Owner}/{Repository}/{Path}")]
    private partial void LogServingStalePolicy(string owner, string repository, string path, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Revoking a policy-read token failed (status {Status})")]
    private partial void LogRevokeFailed(int? status);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug, Message = "App {App}: the token's audience cannot be accepted by a repository-hosted policy; nothing read")]
    private partial void LogAudienceNotForRepositoryPolicies(string app);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "App {App}: policy read for owner {Owner} refused without calling GitHub ({Reason})")]
    private partial void LogPolicyReadRefused(string app, string owner, string reason);
}
