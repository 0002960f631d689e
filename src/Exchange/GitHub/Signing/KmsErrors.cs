namespace GithubSts.Exchange.GitHub.Signing;

/// <summary>Which AWS KMS error codes mean "refused" (an operator must act) rather than "try later".</summary>
internal static class KmsErrors
{
    private static readonly HashSet<string> Refusals = new(StringComparer.Ordinal)
    {
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "IncompleteSignature",
        "ExpiredTokenException",
        "DisabledException",
        "NotFoundException",
        "KMSInvalidStateException",
        "InvalidKeyUsageException",
        "KMSInvalidSigningAlgorithmException",
        "UnsupportedOperationException",
        "InvalidArnException",
    };

    public static AppSignerFailure Classify(string errorCode, int status) =>
        Refusals.Contains(errorCode) || status is 401 or 403
            ? AppSignerFailure.AccessDenied
            : AppSignerFailure.Unavailable;
}
