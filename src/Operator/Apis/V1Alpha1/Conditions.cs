namespace GithubSts.Operator.Apis.V1Alpha1;

/// <summary>Condition types (cert-manager style: constants, never ad-hoc strings).</summary>
public static class ConditionTypes
{
    /// <summary>TrustPolicy: the spec compiled into a policy.</summary>
    public const string Accepted = "Accepted";

    /// <summary>GitHubApp: usable for minting. TrustPolicy: in the index and serving exchanges.</summary>
    public const string Ready = "Ready";

    /// <summary>GitHubApp: the spec uses a field that no longer does what it used to (present only then).</summary>
    public const string Deprecated = "Deprecated";
}

public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}

/// <summary>Condition reasons (CamelCase, stable: users alert and filter on them).</summary>
public static class ConditionReasons
{
    // GitHubApp
    public const string SecretNotFound = "SecretNotFound";
    public const string InvalidPrivateKey = "InvalidPrivateKey";
    public const string InvalidSpec = "InvalidSpec";
    public const string GitHubAuthFailed = "GitHubAuthFailed";
    public const string GitHubUnreachable = "GitHubUnreachable";

    /// <summary>The App's KMS signer could not be reached or timed out (retried every minute).</summary>
    public const string SignerUnavailable = "SignerUnavailable";

    /// <summary>The App's KMS refused: no permission, a disabled or missing key, or a key that cannot sign RS256.</summary>
    public const string SignerAccessDenied = "SignerAccessDenied";
    public const string Verified = "Verified";

    // GitHubApp: Deprecated
    public const string AllowedNamespacesIgnored = "AllowedNamespacesIgnored";

    // TrustPolicy: Accepted
    public const string Compiled = "Compiled";
    public const string InvalidPattern = "InvalidPattern";
    public const string UnknownPermission = "UnknownPermission";
    public const string InvalidPolicy = "InvalidPolicy";
    public const string IssuerUnknown = "ClusterIssuerUnknown";
    public const string PermissionOutsideScope = "PermissionOutsideScope";
    public const string MissingRepositories = "MissingRepositories";
    public const string UnpinnedRepositorySubject = "UnpinnedRepositorySubject";

    // TrustPolicy: Ready
    public const string AppNotFound = "AppNotFound";
    public const string AppNotReady = "AppNotReady";
    public const string NamespaceNotAllowed = "NamespaceNotAllowed";
    public const string NotGranted = "NotGranted";
    public const string PermissionsExceedApp = "PermissionsExceedApp";
    public const string OrganizationPermissionsNotAllowed = "OrganizationPermissionsNotAllowed";
    public const string Conflict = "Conflict";
    public const string PatternBudgetExceeded = "PatternBudgetExceeded";
    public const string NotAccepted = "NotAccepted";
    public const string Indexed = "Indexed";

    // GitHubToken: Ready (also AppNotFound, AppNotReady, NamespaceNotAllowed, NotGranted, PermissionsExceedApp,
    // OrganizationPermissionsNotAllowed, InvalidSpec)

    /// <summary>A token is in the Secret and is renewed before it expires.</summary>
    public const string Issued = "Issued";

    /// <summary>A Secret of that name exists and is not owned by this GitHubToken: it is never touched.</summary>
    public const string SecretConflict = "SecretConflict";

    /// <summary>The operator's RBAC does not cover Secrets of this namespace (the chart binds it in listed namespaces only).</summary>
    public const string SecretForbidden = "SecretForbidden";

    /// <summary>GitHub refused the mint (App not installed on the owner, a repository it cannot see, 403/422).</summary>
    public const string GitHubRefused = "GitHubRefused";

    /// <summary>GitHub could not be reached or answered 5xx: retried with backoff, the current token kept.</summary>
    public const string GitHubUnavailable = "GitHubUnavailable";

    /// <summary>GitHub rate-limited the App: retried after its Retry-After, the current token kept.</summary>
    public const string RateLimited = "RateLimited";

    /// <summary>The App's GitHubToken mint budget for this minute is spent: issued as soon as it allows.</summary>
    public const string MintBudgetExhausted = "MintBudgetExhausted";
}
