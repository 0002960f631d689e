using System.Text;
using GithubSts.Exchange;
using GithubSts.Exchange.Configuration;
using GithubSts.Exchange.Endpoints;
using GithubSts.Exchange.Health;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Telemetry;
using GithubSts.Exchange.Webhooks;
using GithubSts.Operator.Hosting.Tls;
using GithubSts.Operator.Kubernetes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;

namespace GithubSts.Operator.Hosting;

/// <summary>Builds and runs the <c>github-sts</c> web host. Tests build the same host with <see cref="Build"/>.</summary>
public static class GithubStsHost
{
    /// <summary>Request body cap for every endpoint: the largest legitimate request is a form with one 16 KiB token.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>The host's whole stop: the drain delay, the in-flight drain, and 10 s for the listeners and the audit writer.</summary>
    public static TimeSpan ShutdownBudget(TimeSpan drainDelay) => drainDelay + InFlightExchanges.DrainTimeout + TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        GithubStsOptions options;
        KubernetesClientConfiguration? cluster;
        try
        {
            var environment = GithubStsConfigurationLoader.ProcessEnvironment();
            cluster = KubernetesConfigLoader.Load(CommandLine.KubeconfigPath(args), environment);

            // With a cluster, Apps may come from GitHubApp resources alone, and its own issuer is trusted without a list.
            options = GithubStsConfigurationLoader.Load(
                CommandLine.ConfigPath(args), environment, requireApps: cluster is null, requireIssuers: cluster is null);
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"github-sts: invalid configuration: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync($"github-sts: {e.Message}");
            return 2;
        }

        // The console logger writes each line with one Console.Out.Write: the default Console.Out passes it on in 256-byte
        // pieces (three write calls for a ~700-byte exchange line, each a chance for an audit batch to land inside it).
        // One write per line up to 16 K characters. Only the executable: in-process hosts (tests) leave Console alone.
        Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024) { AutoFlush = true });

        WebApplication built;
        try
        {
            built = Build(args, options, cluster);
        }
        catch (ConfigurationException e)
        {
            // Listener settings (TLS files, URLs) are checked while the host is built, before anything listens.
            await Console.Error.WriteLineAsync($"github-sts: invalid configuration: {e.Message}");
            return 2;
        }

        await using var app = built;
        StartupLog.Mode(app.Logger, cluster?.Server);

        await app.RunAsync();

        // The cluster's issuer is known only once discovered: also pinned (sts.issuers), it stopped the host.
        if (cluster is not null && app.Services.GetService<Authentication.KubernetesTokenValidator>()?.IssuerConflict is { } conflict)
        {
            await Console.Error.WriteLineAsync($"github-sts: invalid configuration: {conflict}");
            return 2;
        }

        return 0;
    }

    public static WebApplication Build(
        string[] args, GithubStsOptions options, KubernetesClientConfiguration? cluster = null, Action<IServiceCollection>? configureServices = null)
    {
        // The content root is the application directory, wherever the process was started from: its appsettings.json
        // (ASP.NET Core's per-request lines at Warning) applies, not whatever the working directory holds.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = CommandLine.WithoutOwnOptions(args),
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Kestrel binds the public URLs (--urls, ASPNETCORE_URLS, ...) and then the management ones, in that order.
        var publicUrls = ListenerUrls.Public(builder.Configuration);
        builder.WebHost.UseUrls([.. publicUrls, .. options.ManagementUrls]);
        PublicHttps.Configure(builder, publicUrls, options.Tls);
        var management = new ManagementListener();
        builder.Services.AddSingleton(management);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            form.ValueCountLimit = 32;
            form.KeyLengthLimit = 256;
            form.ValueLengthLimit = (int)MaxRequestBodyBytes;
            form.MultipartBodyLengthLimit = MaxRequestBodyBytes;
        });

        // Every log line written while serving a request carries its RequestId (ASP.NET Core's request scope).
        builder.Logging.ClearProviders();
        if (options.JsonLogs)
        {
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                // RFC 3339 exactly (no trailing space: that is the text formatter's separator, not part of a JSON value).
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(text => text.IncludeScopes = true);
        }

        var trustsProxies = options.TrustedProxies.Count > 0 || options.TrustedNetworks.Count > 0;
        if (trustsProxies)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
            {
                // X-Forwarded-For only, believed only from the configured peers: ASP.NET Core's default loopback entries
                // are cleared, and the chain is walked back only through trusted proxies (ForwardLimit null).
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                forwarded.ForwardLimit = null;
                foreach (var proxy in options.TrustedProxies)
                {
                    forwarded.KnownProxies.Add(proxy);
                }

                foreach (var network in options.TrustedNetworks)
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
            });
        }

        if (options.RateLimit is { } rateLimit)
        {
            builder.Services.AddGithubStsRateLimiting(rateLimit);
        }

        // After SIGTERM the listeners keep serving for the drain delay (ShutdownDrain); then in-flight exchanges finish
        // (and are audited), bounded by InFlightExchanges.DrainTimeout, plus time for the listener and the audit writer.
        // The chart's terminationGracePeriodSeconds must exceed this sum (it refuses to render otherwise).
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownBudget(options.DrainDelay));
        builder.Services.AddHostedService(sp => new ShutdownDrain(
            sp.GetRequiredService<ServiceReadiness>(), options.DrainDelay, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ShutdownDrain>>()));
        builder.Services.AddGithubStsExchange(options);
        if (cluster is not null)
        {
            builder.Services.AddGithubStsOperator(cluster, options);
        }
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        StartupLog.Issuers(app.Logger, options.Oidc, clusterConfigured: cluster is not null);
        var readiness = app.Services.GetRequiredService<ServiceReadiness>();
        app.Lifetime.ApplicationStopping.Register(readiness.MarkStopping);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToList();
            try
            {
                management.Bind(addresses, options.ManagementUrls.Count);
                StartupLog.Management(app.Logger, management.Addresses);
            }
            catch (InvalidOperationException e)
            {
                StartupLog.ManagementFailed(app.Logger, e.Message);
                app.Lifetime.StopApplication();
            }
        });

        if (trustsProxies)
        {
            // First, so the rate limiter's partition and the audit's client_address see the resolved client.
            app.UseForwardedHeaders();
        }

        app.UseGithubStsResponseHygiene();
        app.UseGithubStsManagementSeparation(management);
        if (options.RateLimit is not null)
        {
            app.UseRateLimiter();
        }

        app.MapGithubStsHealth();
        app.MapGithubStsMetrics();
        app.MapGithubStsExchange(rateLimited: options.RateLimit is not null);
        app.MapGithubStsWebhook();
        return app;
    }
}
