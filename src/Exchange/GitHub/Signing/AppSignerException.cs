namespace GithubSts.Exchange.GitHub.Signing;

/// <summary>
/// The App JWT could not be signed. It is a <see cref="GitHubUnavailableException"/> so everything that already
/// treats "GitHub cannot be used right now" as fail-closed (mints, policy reads, the stale-policy grace) does so here too.
/// </summary>
/// <remarks>The message is for logs and status conditions: it names the failure, never a credential or a signature.</remarks>
public sealed class AppSignerException(AppSignerFailure failure, string message, Exception? innerException = null)
    : GitHubUnavailableException(message, null, innerException)
{
    public AppSignerFailure Failure { get; } = failure;

    /// <summary>The reason code for logs, metrics and the error body: <c>signer_unavailable</c> or <c>signer_access_denied</c>.</summary>
    public string ReasonCode => ReasonFor(Failure);

    public static string ReasonFor(AppSignerFailure failure) =>
        failure == AppSignerFailure.AccessDenied ? "signer_access_denied" : "signer_unavailable";
}
