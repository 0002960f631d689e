namespace GithubSts.Testing.Kms;

/// <summary>How <see cref="LocalKms"/> answers.</summary>
public enum LocalKmsMode
{
    /// <summary>Signs and returns the public key.</summary>
    Serving,

    /// <summary>Drops every connection without an answer, as a KMS that cannot be reached.</summary>
    Unreachable,

    /// <summary>400 <c>AccessDeniedException</c>: the caller's role may not use the key.</summary>
    AccessDenied,

    /// <summary>400 <c>KMSInvalidStateException</c>: the key is disabled or pending deletion.</summary>
    InvalidState,
}
