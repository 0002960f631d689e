using GithubSts.Exchange.GitHub.Signing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GithubSts.Exchange.Apps;

/// <summary>
/// Asks each configured App's external signer for its public key at start, so a wrong key id, a key that cannot sign
/// or missing permissions show in the log at once rather than at the first exchange. Never fails the start: a KMS
/// that is down costs only its own App's exchanges (503), the other Apps keep serving.
/// </summary>
internal sealed partial class SignerStartupCheck(IGitHubAppRegistry registry, ILogger<SignerStartupCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var app in registry.Apps.Where(a => a.Credentials.HasRemoteSigner))
        {
            try
            {
                await app.Credentials.Signer.VerifyAsync(stoppingToken);
                LogSignerReady(app.Name, app.Credentials.Signer.Kind);
            }
            catch (AppSignerException e)
            {
                LogSignerNotReady(app.Name, app.Credentials.Signer.Kind, e.ReasonCode, e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 4162, Level = LogLevel.Information, Message = "App '{App}': {Signer} signing key checked (RSA, SIGN_VERIFY)")]
    private partial void LogSignerReady(string app, string signer);

    [LoggerMessage(EventId = 4163, Level = LogLevel.Warning,
        Message = "App '{App}': {Signer} signing key cannot be used ({Reason}): {Detail}; its exchanges fail with 503 until it can")]
    private partial void LogSignerNotReady(string app, string signer, string reason, string detail);
}
