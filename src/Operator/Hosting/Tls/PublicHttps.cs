using GithubSts.Exchange.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GithubSts.Operator.Hosting.Tls;

/// <summary>
/// https on the public listener: <c>--urls https://…</c> with <c>tls.certificateFile</c>/<c>tls.keyFile</c>, both or
/// neither. The management listener stays http (kubelet probes and Prometheus scrapes inside the cluster; README).
/// </summary>
internal static class PublicHttps
{
    /// <summary>Throws <see cref="ConfigurationException"/> for any unusable combination or file, before anything listens.</summary>
    public static void Configure(WebApplicationBuilder builder, IReadOnlyList<string> publicUrls, TlsFiles? tls)
    {
        var https = publicUrls.Where(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)).ToList();
        if (tls is null)
        {
            // Kestrel would otherwise look for a development certificate and abort with an unhandled exception.
            if (https.Count > 0)
            {
                throw new ConfigurationException(
                    "tls.certificateFile", $"is required for the https listener {https[0]} (with tls.keyFile: PEM files)");
            }

            return;
        }

        if (https.Count != publicUrls.Count)
        {
            // A certificate next to a plain-http public URL would leave tokens crossing the network in clear on it.
            throw new ConfigurationException(
                "tls.certificateFile", $"is set, so every public URL must be https:// (got {string.Join(", ", publicUrls)})");
        }

        var initial = ServerCertificate.Load(tls);

        // CreateSlimBuilder leaves out Kestrel's https support; this adds it back.
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Services.AddSingleton(sp => new ServerCertificateReloader(
            tls, initial, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ServerCertificateReloader>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServerCertificateReloader>());
        builder.Services.AddOptions<KestrelServerOptions>().Configure<ServerCertificateReloader>((kestrel, reloader) =>
            kestrel.ConfigureHttpsDefaults(https =>
            {
                // Kestrel requires a certificate or a selector; the selector keeps it from looking for a development one.
                https.ServerCertificateSelector = (_, _) => reloader.Current.Leaf;

                // Each handshake takes the current certificate with its chain (the selector alone would send the leaf only).
                https.OnAuthenticate = (_, ssl) =>
                {
                    ssl.ServerCertificateSelectionCallback = null;
                    ssl.ServerCertificate = null;
                    ssl.ServerCertificateContext = reloader.Current.Context;
                };
            }));
    }
}
