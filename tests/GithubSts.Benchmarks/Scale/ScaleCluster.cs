using GithubSts.Operator.Apis.V1Alpha1;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Testing;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Kubernetes;
using k8s;
using k8s.Models;

namespace GithubSts.Benchmarks.Scale;

/// <summary>
/// A real etcd + kube-apiserver with the CRDs, a GitHubApp backed by the GitHub simulator, and as many TrustPolicies as
/// asked for. A Lease held by someone else keeps the measured replicas followers: they start like a new replica of a
/// running deployment (informers, index, readiness) without writing thousands of statuses.
/// </summary>
public sealed class ScaleCluster : IAsyncDisposable
{
    public const string Namespace = "github-sts";
    public const string Scope = "bench-org/api";
    private const long AppId = 7001;

    private readonly TestAppKey _appKey = TestAppKey.Create();
    private KubeApiServer? _cluster;
    private GitHubSimulator? _github;
    private KubernetesApiClient? _admin;

    public int PolicyCount { get; private set; }

    public KubeApiServer Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public static async Task<ScaleCluster> StartAsync(CancellationToken ct)
    {
        var scale = new ScaleCluster();
        try
        {
            scale._cluster = await KubeApiServer.StartAsync(ct: ct);
            scale._admin = scale._cluster.CreateClient();
            await scale._cluster.KubectlAsync("apply", "--validate=false", "-f", Path.Combine(RepositoryPaths.Root, "config", "crds"));
            await scale._cluster.KubectlAsync("wait", "--for=condition=Established", "--timeout=60s", "crd/githubapps.githubsts.io", "crd/trustpolicies.githubsts.io");
            await scale._cluster.EnsureNamespaceAsync(Namespace);

            scale._github = await GitHubSimulator.StartAsync(ct: ct);
            scale._github.AddApp(AppId, "github-sts-bench", scale._appKey.Key);
            scale._github.AddInstallation(AppId, "bench-org", "Organization", ["api"], new Dictionary<string, string> { ["contents"] = "write" });
            await scale._cluster.KubectlAsync("-n", Namespace, "create", "secret", "generic", "app-key", "--from-literal=private-key.pem=" + scale._appKey.Pkcs1Pem);
            await scale._admin.CreateAsync(GithubStsResourceTypes.GitHubApps, null, new GitHubApp
            {
                ApiVersion = "githubsts.io/v1alpha1",
                Kind = "GitHubApp",
                Metadata = new ObjectMeta { Name = "default" },
                Spec = new GitHubAppSpec
                {
                    AppId = AppId,
                    ApiUrl = scale._github.ApiUrl.AbsoluteUri,
                    PrivateKeySecretRef = new SecretKeySelector { Namespace = Namespace, Name = "app-key" },
                },
            }, ct);
            var now = DateTime.UtcNow;
            await scale._admin.Library.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new V1ObjectMeta { Name = "github-sts-leader", NamespaceProperty = Namespace },
                Spec = new V1LeaseSpec { HolderIdentity = "running-leader", LeaseDurationSeconds = 86_400, AcquireTime = now, RenewTime = now },
            }, Namespace, cancellationToken: ct);
            return scale;
        }
        catch
        {
            await scale.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates TrustPolicies until there are <paramref name="count"/>; returns how long that took.</summary>
    public async Task<TimeSpan> GrowToAsync(int count, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(PolicyCount, Math.Max(0, count - PolicyCount)), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
            await _admin!.CreateAsync(GithubStsResourceTypes.TrustPolicies, Namespace, Policy(i), token));
        PolicyCount = Math.Max(PolicyCount, count);
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    public string WriteKubeconfig(string directory) => Cluster.WriteKubeconfig(Path.Combine(directory, "kubeconfig"));

    public async ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        if (_github is not null)
        {
            await _github.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _appKey.Dispose();
    }

    /// <summary>A mix like a real cluster: mostly service accounts, some GitHub Actions subject patterns.</summary>
    private static TrustPolicy Policy(int i) => new()
    {
        ApiVersion = "githubsts.io/v1alpha1",
        Kind = "TrustPolicy",
        Metadata = new ObjectMeta { Name = $"policy-{i}", Namespace = Namespace },
        Spec = i % 4 == 0
            ? new TrustPolicySpec
            {
                App = "default",
                Scope = Scope,
                Issuer = "https://token.actions.githubusercontent.com",
                SubjectPattern = $"repo:bench-org/api:ref:refs/heads/team-{i}/.*",
                Permissions = new() { ["contents"] = "read" },
            }
            : new TrustPolicySpec
            {
                App = "default",
                Scope = Scope,
                ServiceAccount = $"workload-{i}",
                Permissions = new() { ["contents"] = "read" },
            },
    };
}
