namespace GithubSts.Exchange.Health;

public enum AppVerificationState
{
    /// <summary>Not checked yet, or GitHub could not be reached: the app is assumed usable.</summary>
    Unverified,

    /// <summary><c>GET /app</c> succeeded with the app's JWT.</summary>
    Verified,

    /// <summary>GitHub rejected the app's JWT (wrong app id or key): the app cannot mint.</summary>
    AuthenticationFailed,
}
