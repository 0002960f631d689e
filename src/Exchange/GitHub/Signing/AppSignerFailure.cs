namespace GithubSts.Exchange.GitHub.Signing;

/// <summary>Why a signer could not sign. The two differ in what fixes them: time, or an operator.</summary>
public enum AppSignerFailure
{
    /// <summary>Unreachable, timed out, throttled or failing on its side: retrying later may work.</summary>
    Unavailable,

    /// <summary>
    /// It answered and refused: no permission, unknown credentials, a disabled, missing or pending-deletion key, or a
    /// key that is not an RSA-2048+ signing key. Someone has to change the key or its policy.
    /// </summary>
    AccessDenied,
}
