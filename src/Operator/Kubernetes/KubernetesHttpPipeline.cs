using System.Net;
using System.Net.Http;

namespace GithubSts.Operator.Kubernetes;

/// <summary>
/// The authenticated HTTP pipeline of the KubernetesClient library (its TLS setup: CA bundle, client certificate,
/// skip-verify, TLS server name) with its credentials applied to every request, for our own REST client. The library
/// applies credentials only inside its typed calls, so a <see cref="CredentialsHandler"/> puts them on the raw client.
/// </summary>
internal static class KubernetesHttpPipeline
{
    /// <summary>The library client owning the handlers; dispose it with the returned <see cref="HttpClient"/>.</summary>
    public static k8s.Kubernetes Create(KubernetesClientConfiguration config)
    {
        var library = config.Library;
        var credentials = k8s.Kubernetes.CreateCredentials(library);
        var previous = library.FirstMessageHandlerSetup;
        library.FirstMessageHandlerSetup = handler =>
        {
            Tune(handler, config.ProxyUrl);
            previous?.Invoke(handler);
        };
        try
        {
            return new k8s.Kubernetes(library, new CredentialsHandler(credentials));
        }
        finally
        {
            // The configuration may be shared; only this client gets the tuning.
            library.FirstMessageHandlerSetup = previous;
        }
    }

    // The library's defaults ping only with active requests, every 3 minutes; ours (30 s / 15 s, the apimachinery
    // values) also catch a silently dead connection under an idle watch. Redirects would leak the bearer token.
    private static void Tune(SocketsHttpHandler handler, Uri? proxy)
    {
        handler.ConnectTimeout = TimeSpan.FromSeconds(10);
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(10);
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90);
        handler.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
        handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(15);
        handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        handler.EnableMultipleHttp2Connections = true;
        handler.AutomaticDecompression = DecompressionMethods.GZip;
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        if (proxy is not null)
        {
            handler.Proxy = new WebProxy(proxy);
            handler.UseProxy = true;
        }
    }

    /// <summary>Adds the library's credentials (static token, token file re-read every minute, exec/auth-provider plugin) to each request.</summary>
    private sealed class CredentialsHandler(k8s.Authentication.ServiceClientCredentials? credentials) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (credentials is not null)
            {
                try
                {
                    await credentials.ProcessHttpRequestAsync(request, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A token file that cannot be read or a failing exec plugin: no request can be authenticated,
                    // which callers handle like an unreachable API server (retry with backoff).
                    throw new HttpRequestException($"Kubernetes credentials could not be obtained: {ex.Message}", ex);
                }
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
