namespace GithubSts.Operator.Hosting;

internal static partial class StartupLog
{
    public static void Mode(ILogger logger, Uri? server)
    {
        if (server is null)
        {
            ExchangeOnly(logger);
        }
        else
        {
            WithOperator(logger, server);
        }
    }

    /// <summary>Says which issuers are trusted; accepting any issuer is a warning on every start.</summary>
    public static void Issuers(ILogger logger, Exchange.Identity.OidcValidationOptions oidc, bool clusterConfigured)
    {
        if (oidc.AllowAnyIssuer)
        {
            AnyIssuer(logger, oidc.AllowedIssuers.Count);
        }
        else if (oidc.AllowedIssuers.Count == 0 && clusterConfigured)
        {
            ClusterIssuerOnly(logger);
        }
        else
        {
            ListedIssuers(logger, oidc.AllowedIssuers.Count, oidc.AllowedIssuers);
        }
    }

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning,
        Message = "sts.allowAnyIssuer is true: tokens of ANY https issuer (anyone can run one) reach policy evaluation, and only the trust policies' issuer rules stand between them and a token; {ListedCount} listed issuers keep pinned key caches. List the issuers in sts.allowedIssuers instead")]
    private static partial void AnyIssuer(ILogger logger, int listedCount);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information,
        Message = "sts.allowedIssuers is empty: only this cluster's service-account tokens are accepted")]
    private static partial void ClusterIssuerOnly(ILogger logger);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Trusted token issuers ({Count}): {Issuers}")]
    private static partial void ListedIssuers(ILogger logger, int count, IReadOnlyList<string> issuers);

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "No Kubernetes configuration found (in-cluster, --kubeconfig, KUBECONFIG or ~/.kube/config): running the token exchange alone")]
    private static partial void ExchangeOnly(ILogger logger);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Kubernetes API server {Server}: running the operator and the token exchange")]
    private static partial void WithOperator(ILogger logger, Uri server);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Management listener (/metrics, /healthz, /readyz): {Addresses}")]
    public static partial void Management(ILogger logger, IReadOnlyList<string> addresses);

    [LoggerMessage(EventId = 106, Level = LogLevel.Critical, Message = "Management listener unusable, stopping: {Reason}")]
    public static partial void ManagementFailed(ILogger logger, string reason);
}
