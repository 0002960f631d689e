using System.Net.Http.Headers;
using System.Text;
using GithubSts.Exchange.Configuration;
using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Hosting;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Testing;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GithubSts.IntegrationTests.Operator;

/// <summary>
/// A real etcd + kube-apiserver with the CRDs applied, the GitHub simulator, and the github-sts service running as an
/// operator against them (over real HTTP on loopback).
/// </summary>
public sealed class OperatorEnvironment : IAsyncLifetime
{
    public const string OperatorNamespace = "github-sts";
    public const string Audience = "https://sts.example.com";
    public const string Org = "octo-org";
    public const long AppId = 5151;

    private readonly List<WebApplication> _services = [];

    public KubeApiServer Cluster { get; private set; } = null!;

    public KubernetesApiClient Admin { get; private set; } = null!;

    public GitHubSimulator GitHub { get; private set; } = null!;

    public TestAppKey AppKey { get; } = TestAppKey.Create();

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (KubeApiServer.MissingComponentsReason is not null)
        {
            return;
        }

        Cluster = await KubeApiServer.StartAsync();
        Admin = Cluster.CreateClient();
        await Cluster.KubectlAsync("apply", "--validate=false", "-f", Path.Combine(RepositoryPaths.Root, "config", "crds"));
        await Cluster.KubectlAsync("wait", "--for=condition=Established", "--timeout=60s", "crd/githubapps.githubsts.io", "crd/trustpolicies.githubsts.io", "crd/githubtokens.githubsts.io");
        await Cluster.EnsureNamespaceAsync(OperatorNamespace);

        GitHub = await GitHubSimulator.StartAsync();
        GitHub.AddApp(AppId, "github-sts-operator-test", AppKey.Key);
        GitHub.AddInstallation(AppId, Org, "Organization", ["octo-repo", "other-repo", ".github"],
            new Dictionary<string, string> { ["contents"] = "write", ["issues"] = "write", ["metadata"] = "read" });

        await Cluster.KubectlAsync("-n", OperatorNamespace, "create", "secret", "generic", "app-key", "--from-literal=private-key.pem=" + AppKey.Pkcs1Pem);
        Client = await StartServiceAsync();
    }

    /// <summary>Starts one more replica of the service against the same cluster; returns a client for it.</summary>
    public async Task<HttpClient> StartServiceAsync(Action<Dictionary<string, string>>? configure = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["GITHUBSTS_STS_IDENTIFIER"] = Audience,
            ["GITHUBSTS_KUBERNETES_NAMESPACE"] = OperatorNamespace,
            ["GITHUBSTS_AUDIT_STDOUT"] = "false",
            ["GITHUBSTS_MANAGEMENT_URLS"] = Infrastructure.ManagementClients.AnyFreePort,
            ["GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS"] = "0", // tests stop replicas often; ShutdownTests cover the delay
            ["GITHUBSTS_STARTUP_WARMUP_SECONDS"] = "0", // replicas start often; WarmupTests cover the warm-up
            ["GITHUBSTS_KUBERNETES_GITHUB_TOKENS_ENABLED"] = "true",
            ["GITHUBSTS_AUDIT_FILE_PATH"] = Path.Combine(Cluster.WorkDirectory, $"audit-{Guid.NewGuid():N}.jsonl"), // GitHubTokenTests read it
        };
        configure?.Invoke(environment);
        var options = GithubStsConfigurationLoader.Load(null, environment, requireApps: false);
        var app = GithubStsHost.Build(["--urls", "http://127.0.0.1:0"], options, Cluster.AdminConfiguration());
        await app.StartAsync();
        _services.Add(app);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address) };
    }

    public IReadOnlyList<WebApplication> Services => _services;

    public async Task StopServiceAsync(WebApplication service)
    {
        await service.StopAsync();
        await service.DisposeAsync();
        _services.Remove(service);
    }

    public Task ApplyAsync(string yaml) => KubectlStdinAsync("apply", yaml);

    public async Task KubectlStdinAsync(string verb, string yaml)
    {
        var path = Path.Combine(Cluster.WorkDirectory, Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(path, yaml);
        await Cluster.KubectlAsync(verb, "--validate=false", "-f", path);
    }

    public Task ApplyAppAsync(string name = "default", string extraSpec = "") => ApplyAsync($"""
        apiVersion: githubsts.io/v1alpha1
        kind: GitHubApp
        metadata:
          name: {name}
        spec:
          appId: {AppId}
          apiUrl: {GitHub.ApiUrl}
          privateKeySecretRef:
            namespace: {OperatorNamespace}
            name: app-key
        {extraSpec}
        """);

    public async Task<T> WaitForConditionAsync<T>(
        ResourceType type, string? ns, string name, string conditionType, string status, string? reason = null, TimeSpan? timeout = null)
        where T : KubernetesObject
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        string last = "not found";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var obj = await Admin.GetAsync<T>(type, ns, name, CancellationToken.None);
                var condition = ConditionsOf(obj)?.FirstOrDefault(c => c.Type == conditionType);
                last = string.Join(" | ", ConditionsOf(obj)?.Select(c => $"{c.Type}={c.Status}/{c.Reason}: {c.Message}") ?? ["no conditions"]);
                if (condition is not null && condition.Status == status && (reason is null || condition.Reason == reason))
                {
                    return obj;
                }
            }
            catch (KubernetesNotFoundException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{type.Kind} {ns}/{name}: {conditionType} never became {status}/{reason}; last: {last}");
    }

    public static List<Condition>? ConditionsOf(KubernetesObject obj) => obj switch
    {
        GitHubApp app => app.Status?.Conditions,
        TrustPolicy policy => policy.Status?.Conditions,
        GitHubToken token => token.Status?.Conditions,
        _ => null,
    };

    public async Task<HttpResponseMessage> ExchangeAsync(string token, string scope, string identity, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sts/exchange?scope={scope}&identity={identity}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await (client ?? Client).SendAsync(request);
    }

    /// <summary>Polls an exchange until it answers <paramref name="status"/> (policy changes propagate through watches).</summary>
    public async Task<HttpResponseMessage> EventuallyAsync(Func<Task<string>> token, string scope, string identity, int status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var response = await ExchangeAsync(await token(), scope, identity);
            if ((int)response.StatusCode == status || DateTime.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(200);
        }
    }

    public IReadOnlyList<SimulatedMint> IssuedMints() => [.. GitHub.Mints.Where(m => !GitHub.IsRevoked(m.Token))];

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        foreach (var service in _services.ToList())
        {
            await StopServiceAsync(service);
        }

        if (GitHub is not null)
        {
            await GitHub.DisposeAsync();
        }

        Admin?.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        AppKey.Dispose();
    }

    internal static string Utf8(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    internal static NullLogger<KubernetesApiClient> NoLog => NullLogger<KubernetesApiClient>.Instance;
}
