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
}
