using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GithubSts.Exchange.Apps;
using GithubSts.Exchange.Audit;
using GithubSts.Exchange.Endpoints;
using GithubSts.Exchange.GitHub;
using GithubSts.Exchange.Identity;
using GithubSts.Exchange.Pipeline;
using GithubSts.Exchange.Pipeline.Steps;
using GithubSts.Exchange.PolicySources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace GithubSts.Exchange.Warmup;

/// <summary>
/// A private copy of the exchange: the <c>GET /sts/exchange</c> handler on an in-memory request, the production steps,
/// token validator, repository policy source and GitHub client (with its <c>SocketsHttpHandler</c>), each a new
/// instance that shares no cache, store, metric or log with the service's own, and an observer that formats the audit
/// line and drops it. Its issuer is <see cref="WarmupIssuer"/> and its "GitHub" a <see cref="CannedGitHubServer"/> on
/// loopback, so an exchange here runs the same code as a real one and reaches nobody: the service's configured Apps,
/// issuers and GitHub are not known to it.
/// </summary>
internal sealed class WarmupExchange : IAsyncDisposable
{
    private const string AppName = "warmup";
    private const string Owner = "warmup-org";
    private const string Repository = "warmup";
    private const string Identity = "warmup";
    private const long InstallationId = 1;

    private readonly WarmupIssuer issuer = new();
    private readonly CannedGitHubServer github = new();
    private readonly RSA appKey = RSA.Create(2048);
    private readonly HttpClient oidcHttp;
    private readonly HttpClient githubHttp = GitHubApiClient.CreateHttpClient();
    private readonly OidcMetadataCache metadata;
    private readonly ExchangePipeline pipeline;
    private readonly TimeProvider time;
    private readonly IServiceProvider services;
    private readonly DiscardingAudit audit;
    private long sequence;

    /// <param name="services">The service's container, for what result writing reads from it (JSON options).</param>
    public WarmupExchange(TimeProvider time, IServiceProvider services)
    {
        this.time = time;
        this.services = services;
        audit = new DiscardingAudit(time);
        if (!PolicyPathTemplate.TryCreate(PolicyPathTemplate.PyGithubStsLayout, out var path, out var problem))
        {
            throw new InvalidOperationException(problem);
        }

        var app = new GitHubAppRuntime
        {
            Credentials = new GitHubAppCredentials(AppName, 1, appKey, github.BaseUrl),
            PolicyPath = path,
            OrgPolicyRepository = ".github",
        };
        RouteGitHub(path.Render(AppName, Identity));

        var oidcOptions = new OidcValidationOptions { AllowedIssuers = [WarmupIssuer.Issuer] };
        oidcHttp = new HttpClient(issuer.Handler, disposeHandler: false) { Timeout = oidcOptions.HttpTimeout };
        metadata = new OidcMetadataCache(oidcOptions, oidcHttp, time, NullLogger<OidcMetadataCache>.Instance);
        var validator = new OidcTokenValidator(oidcOptions, metadata, time, NullLogger<OidcTokenValidator>.Instance);
        var client = new GitHubApiClient(githubHttp, new AppJwtFactory(time), time, NullLogger<GitHubApiClient>.Instance);
        var service = new ServiceIdentity(WarmupIssuer.Audience);
        var policies = new RepositoryPolicySource(
            client, new RepositoryPolicySourceOptions { ServiceIdentifier = WarmupIssuer.Audience }, time, NullLogger<RepositoryPolicySource>.Instance);
        pipeline = new ExchangePipeline(
            [
                new ValidateRequestStep(),
                new ValidateTokenStep(validator, new GitHubActionsIssuers([GitHubActionsIssuers.GitHubCom])),
                new SelectAppStep(new StaticAppRegistry([app]), service),
                new ResolvePolicyStep([policies], service),
                new AuthorizeStep(service),
                new NarrowStep(),
                new MintTokenStep(client),
            ],
            [audit],
            time,
            NullLogger<ExchangePipeline>.Instance);
    }

    /// <summary>GitHub calls answered so far (tests: the warm-up's GitHub is this one, not the service's).</summary>
    public int GitHubRequests => github.Requests;

    /// <summary>One exchange; throws when it did not mint exactly what its policy allows.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref sequence);
        var http = new DefaultHttpContext { RequestServices = services, RequestAborted = cancellationToken };
        http.TraceIdentifier = "warmup-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
        http.Request.Method = HttpMethods.Get;
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost");
        http.Request.Path = "/sts/exchange";
        http.Request.QueryString = QueryString.Create([new KeyValuePair<string, string?>("scope", Owner + "/" + Repository), new KeyValuePair<string, string?>("identity", Identity)]);
        http.Request.Headers.Authorization = "Bearer " + issuer.CreateToken(Owner, Repository, time.GetUtcNow());
        http.Request.Headers.UserAgent = "github-sts-warmup";
        using var body = new MemoryStream();
        http.Response.Body = body;
        var result = await ExchangeEndpoints.ExchangeAsync(http, pipeline);
        await result.ExecuteAsync(http);
        if (http.Response.StatusCode != StatusCodes.Status200OK || audit.Last is not { Succeeded: true, Result: { } granted }
            || granted.Repositories is not [Repository] || !granted.Permissions.TryGetValue("contents", out var level) || level != "read")
        {
            throw new InvalidOperationException(
                $"the warm-up exchange did not grant what its policy allows (status {http.Response.StatusCode}, {audit.Last?.Error?.ReasonCode ?? "no error"})");
        }
    }

    private void RouteGitHub(string policyPath)
    {
        const string json = "application/json; charset=utf-8";
        var directory = policyPath[..policyPath.LastIndexOf('/')];
        var policy = $"""
            issuer: {WarmupIssuer.Issuer}
            subject: repo:{Owner}/{Repository}:ref:refs/heads/main
            claim_pattern:
              workflow_ref: {Owner}/{Repository}/\.github/workflows/warmup\.yaml@refs/heads/main
            permissions:
              contents: read
            """;
        var installation = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["id"] = InstallationId,
            ["account"] = new Dictionary<string, object> { ["login"] = Owner, ["id"] = 2, ["type"] = "Organization" },
            ["app_id"] = 1,
            ["target_type"] = "Organization",
            ["repository_selection"] = "all",
            ["permissions"] = new Dictionary<string, string> { ["contents"] = "read", ["metadata"] = "read" },
        });
        var listing = JsonSerializer.SerializeToUtf8Bytes(new[]
        {
            new Dictionary<string, string> { ["name"] = policyPath[(directory.Length + 1)..], ["path"] = policyPath, ["type"] = "file" },
        });
        github.Route("GET", $"/repos/{Owner}/{Repository}/installation", 200, json, () => installation);
        github.Route("GET", $"/repos/{Owner}/{Repository}/contents/{directory}", 200, json, () => listing);
        github.Route("GET", $"/repos/{Owner}/{Repository}/contents/{policyPath}", 200, "application/vnd.github.raw; charset=utf-8", () => Encoding.UTF8.GetBytes(policy));
        github.Route("POST", $"/app/installations/{InstallationId}/access_tokens", 201, json, () => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["token"] = "ghs_warmup" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(15)),
            ["expires_at"] = time.GetUtcNow().AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["permissions"] = new Dictionary<string, string> { ["contents"] = "read", ["metadata"] = "read" },
            ["repository_selection"] = "selected",
            ["repositories"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["id"] = 3, ["name"] = Repository, ["full_name"] = Owner + "/" + Repository, ["private"] = true,
                    ["owner"] = new Dictionary<string, object> { ["login"] = Owner, ["id"] = 2, ["type"] = "Organization" },
                },
            },
        }));
    }

    public async ValueTask DisposeAsync()
    {
        metadata.Dispose();
        oidcHttp.Dispose();
        githubHttp.Dispose();
        await github.DisposeAsync();
        appKey.Dispose();
        issuer.Dispose();
    }

    /// <summary>Formats each outcome's audit line as the audit writer would, then drops it.</summary>
    private sealed class DiscardingAudit(TimeProvider time) : IExchangeObserver
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> buffer = new(1024);

        public ExchangeOutcome? Last { get; private set; }

        public void OnCompleted(ExchangeOutcome outcome)
        {
            Last = outcome;
            lock (buffer)
            {
                buffer.ResetWrittenCount();
                using var json = new Utf8JsonWriter(buffer);
                JsonSerializer.Serialize(json, AuditEventFactory.Create(outcome, time.GetUtcNow()), AuditJsonContext.Default.AuditEvent);
            }
        }
    }
}
