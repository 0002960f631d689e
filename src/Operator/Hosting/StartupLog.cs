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

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "No Kubernetes configuration found (in-cluster, --kubeconfig, KUBECONFIG or ~/.kube/config): running the token exchange alone")]
    private static partial void ExchangeOnly(ILogger logger);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Kubernetes API server {Server}: running the operator and the token exchange")]
    private static partial void WithOperator(ILogger logger, Uri server);
}
