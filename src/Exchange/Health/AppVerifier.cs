using GithubSts.Exchange.Apps;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.GitHub.Signing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Health;

/// <summary>
/// Checks each app's credentials with <c>GET /app</c> at start-up and then periodically. For an App with a KMS signer
/// this is also the start-up check of the key (its public key, then a signature), and the JWT it signs is cached.
/// </summary>
public sealed partial class AppVerifier(
    IGitHubAppRegistry apps, GitHubApiClient github, ServiceReadiness readiness, TimeProvider time, ILogger<AppVerifier> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var app in apps.Apps)
            {
                await VerifyAsync(app, stoppingToken);
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task VerifyAsync(GitHubAppRuntime app, CancellationToken cancellationToken)
    {
        try
        {
            var info = await github.GetAppAsync(app.Credentials, cancellationToken);
            readiness.SetState(app.Name, AppVerificationState.Verified);
            LogVerified(app.Name, info.Slug);
        }
        catch (AppSignerException e)
        {
            // The KMS, not GitHub: a wrong key id, a key that cannot sign or missing permissions show here at start.
            // Its exchanges fail 503 meanwhile; the other Apps are not affected.
            LogSignerFailed(app.Name, app.Credentials.Signer.Kind, e.ReasonCode, e.Message);
        }
        catch (GitHubAuthenticationException)
        {
            readiness.SetState(app.Name, AppVerificationState.AuthenticationFailed);
            LogAuthenticationFailed(app.Name, app.Credentials.AppId);
        }
        catch (GitHubApiException e)
        {
            LogUnreachable(app.Name, e.StatusCode);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "GitHub App {App} verified (slug {Slug})")]
    private partial void LogVerified(string app, string slug);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "GitHub rejected the credentials of app {App} (app id {AppId}): check appId and privateKey")]
    private partial void LogAuthenticationFailed(string app, long appId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "GitHub App {App} could not be verified: its {Signer} signer failed ({Reason}): {Detail}; will retry")]
    private partial void LogSignerFailed(string app, string signer, string reason, string detail);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Could not verify GitHub App {App} (status {Status}); will retry")]
    private partial void LogUnreachable(string app, int? status);
}
