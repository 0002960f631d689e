using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Configuration;
using GithubSts.IntegrationTests.Operator;
using GithubSts.Operator.Hosting;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Xunit.Abstractions;
using static GithubSts.IntegrationTests.Deployment.ChartTooling;

namespace GithubSts.IntegrationTests.Deployment;

/// <summary>
/// <c>helm install</c> into a real kube-apiserver (no kubelet: pods never run), then the chart's ServiceAccount, with
/// a TokenRequest token, can do exactly what the operator needs and no more — and the real service, running
/// in-process with that token, makes a GitHubApp and a TrustPolicy Ready.
/// </summary>
[Collection(KubernetesClusterTests.Name)]
public sealed class ChartInstallTests(ITestOutputHelper output)
{
    private const string Release = "sts";
    private const string Audience = "https://sts.example.com";
    private const long AppId = 6161;

    // Like kubectl's --validate=false: the 1.20 apiserver's OpenAPI does not know the CRDs' x-kubernetes-validations,
    // and its server-side apply rejects them too, so Helm 4 must create the objects client-side there.
    private const string DisableOpenApiValidation = "--disable-openapi-validation";
    private const string ClientSide = "--server-side=false";

    [HelmKubernetesFact]
    public async Task The_installed_chart_grants_the_operator_exactly_what_it_needs()
    {
        await using var cluster = await KubeApiServer.StartAsync();
        var ns = "sts-" + Guid.NewGuid().ToString("N")[..8];
        var other = "other-" + Guid.NewGuid().ToString("N")[..8];
        var kubeconfig = cluster.WriteKubeconfig(Path.Combine(cluster.WorkDirectory, "helm.kubeconfig"));
        output.WriteLine(await HelmAsync(
            "install", Release, ChartDirectory, "--namespace", ns, "--create-namespace", "--kubeconfig", kubeconfig, DisableOpenApiValidation, ClientSide,
            "--set", "config.sts.identifier=" + Audience));

        // The objects exist as rendered.
        var deployment = JsonNode.Parse(await cluster.KubectlAsync("-n", ns, "get", "deployment", "sts-github-sts", "-o", "json"))!;
        Assert.Equal(2, (int)deployment["spec"]!["replicas"]!);
        Assert.Equal(65532, (int)deployment["spec"]!["template"]!["spec"]!["securityContext"]!["runAsUser"]!);
        await cluster.KubectlAsync("-n", ns, "get", "service/sts-github-sts", "configmap/sts-github-sts", "serviceaccount/sts-github-sts", "role/sts-github-sts", "rolebinding/sts-github-sts", "poddisruptionbudget/sts-github-sts");
        await cluster.KubectlAsync("get", "clusterrole/sts-github-sts", "clusterrolebinding/sts-github-sts", "clusterrole/githubsts-view", "clusterrole/githubsts-edit", "crd/githubapps.githubsts.io", "crd/trustpolicies.githubsts.io");
        await cluster.KubectlAsync("wait", "--for=condition=Established", "--timeout=60s", "crd/githubapps.githubsts.io", "crd/trustpolicies.githubsts.io");
        await cluster.EnsureNamespaceAsync(other);
        await cluster.KubectlAsync("-n", other, "create", "secret", "generic", "not-yours", "--from-literal=a=b");
        await cluster.KubectlAsync("-n", ns, "create", "secret", "generic", "app-key", "--from-literal=a=b");
        await ApplyAsync(cluster, $"""
            apiVersion: githubsts.io/v1alpha1
            kind: TrustPolicy
            metadata:
              name: probe
              namespace: {ns}
            spec:
              app: default
              scope: octo-org/octo-repo
              serviceAccount: deployer
              permissions:
                contents: read
            """);

        var token = await cluster.CreateTokenAsync(ns, "sts-github-sts", KubeApiServer.DefaultServiceAccountIssuer);
        using var http = Client(cluster, token);

        // Everything the operator does succeeds.
        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, "/apis/githubsts.io/v1alpha1/githubapps");
        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, "/apis/githubsts.io/v1alpha1/trustpolicies");
        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, "/apis/githubsts.io/v1alpha1/githubapps?watch=true&timeoutSeconds=1");
        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, "/apis/githubsts.io/v1alpha1/trustpolicies?watch=true&timeoutSeconds=1");
        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, "/api/v1/namespaces");
        await Expect(http, HttpStatusCode.OK, HttpMethod.Patch, $"/apis/githubsts.io/v1alpha1/namespaces/{ns}/trustpolicies/probe/status",
            """{"status":{"conditions":[]}}""", "application/merge-patch+json");
        await Expect(http, HttpStatusCode.Created, HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews",
            $$$"""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"{{{token}}}"}}""");
        foreach (var eventNamespace in new[] { ns, "kube-system" })
        {
            await Expect(http, HttpStatusCode.Created, HttpMethod.Post, $"/apis/events.k8s.io/v1/namespaces/{eventNamespace}/events", EventJson(eventNamespace));
        }

        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets");
        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/app-key");
        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets?watch=true&timeoutSeconds=1");
        var lease = """{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"github-sts-leader"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15}}""";
        await Expect(http, HttpStatusCode.Created, HttpMethod.Post, $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", lease);
        var current = JsonNode.Parse(await Expect(http, HttpStatusCode.OK, HttpMethod.Get, $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/github-sts-leader"))!;
        current["spec"]!["holderIdentity"] = "b";
        await Expect(http, HttpStatusCode.OK, HttpMethod.Put, $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/github-sts-leader", current.ToJsonString());
        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, "/.well-known/openid-configuration");
        await Expect(http, HttpStatusCode.OK, HttpMethod.Get, "/openid/v1/jwks", accept: "application/jwk-set+json, application/json");

        // And nothing beyond it.
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Get, $"/api/v1/namespaces/{other}/secrets/not-yours");
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Get, $"/api/v1/namespaces/{other}/secrets");
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Get, "/api/v1/secrets");
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}""");
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Post, $"/apis/coordination.k8s.io/v1/namespaces/{other}/leases", lease);
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Delete, $"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/github-sts-leader");
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Patch, $"/apis/githubsts.io/v1alpha1/namespaces/{ns}/trustpolicies/probe",
            """{"spec":{"scope":"octo-org/other"}}""", "application/merge-patch+json");
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Delete, $"/apis/githubsts.io/v1alpha1/namespaces/{ns}/trustpolicies/probe");
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Get, "/api/v1/pods");
        await Expect(http, HttpStatusCode.Forbidden, HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps");

        await HelmAsync("uninstall", Release, "--namespace", ns, "--kubeconfig", kubeconfig);
        await cluster.KubectlAsync("get", "crd/githubapps.githubsts.io", "crd/trustpolicies.githubsts.io"); // kept
    }

    [HelmKubernetesFact]
    public async Task The_service_with_the_charts_service_account_makes_policies_ready()
    {
        await using var cluster = await KubeApiServer.StartAsync();
        var ns = "sts-" + Guid.NewGuid().ToString("N")[..8];
        var kubeconfig = cluster.WriteKubeconfig(Path.Combine(cluster.WorkDirectory, "helm.kubeconfig"));
        await HelmAsync("install", Release, ChartDirectory, "--namespace", ns, "--create-namespace", "--kubeconfig", kubeconfig, DisableOpenApiValidation, ClientSide,
            "--set", "config.sts.identifier=" + Audience);
        await cluster.KubectlAsync("wait", "--for=condition=Established", "--timeout=60s", "crd/githubapps.githubsts.io", "crd/trustpolicies.githubsts.io");

        await using var github = await GitHubSimulator.StartAsync();
        using var appKey = TestAppKey.Create();
        github.AddApp(AppId, "github-sts-chart-test", appKey.Key);
        github.AddInstallation(AppId, "octo-org", "Organization", ["octo-repo"], new Dictionary<string, string> { ["contents"] = "write", ["metadata"] = "read" });
        await cluster.KubectlAsync("-n", ns, "create", "secret", "generic", "app-key", "--from-literal=private-key.pem=" + appKey.Pkcs1Pem);

        var token = await cluster.CreateTokenAsync(ns, "sts-github-sts", KubeApiServer.DefaultServiceAccountIssuer);
        var options = GithubStsConfigurationLoader.Load(
            null,
            new Dictionary<string, string>
            {
                ["GITHUBSTS_STS_IDENTIFIER"] = Audience,
                ["GITHUBSTS_KUBERNETES_NAMESPACE"] = ns,
                ["GITHUBSTS_MANAGEMENT_URLS"] = Infrastructure.ManagementClients.AnyFreePort,
                ["GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS"] = "0", // tests stop replicas often; ShutdownTests cover the delay
            },
            requireApps: false);
        await using WebApplication service = GithubStsHost.Build(["--urls", "http://127.0.0.1:0"], options, cluster.ConfigurationForToken(token));
        await service.StartAsync();
        try
        {
            var appName = "chart-" + Guid.NewGuid().ToString("N")[..8];
            await ApplyAsync(cluster, $"""
                apiVersion: githubsts.io/v1alpha1
                kind: GitHubApp
                metadata:
                  name: {appName}
                spec:
                  appId: {AppId}
                  apiUrl: {github.ApiUrl}
                  privateKeySecretRef:
                    namespace: {ns}
                    name: app-key
                ---
                apiVersion: githubsts.io/v1alpha1
                kind: TrustPolicy
                metadata:
                  name: deploy
                  namespace: {ns}
                spec:
                  app: {appName}
                  scope: octo-org/octo-repo
                  serviceAccount: deployer
                  permissions:
                    contents: read
                """);
            await WaitReadyAsync(cluster, "githubapp/" + appName, null);
            await WaitReadyAsync(cluster, "trustpolicy/deploy", ns);
        }
        finally
        {
            await service.StopAsync();
        }
    }

    private static async Task WaitReadyAsync(KubeApiServer cluster, string resource, string? ns)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            List<string> args = ns is null ? [] : ["-n", ns];
            args.AddRange(["get", resource, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}/{.status.conditions[?(@.type==\"Ready\")].reason}"]);
            last = await cluster.KubectlAsync([.. args]);
            if (last.StartsWith("True/", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{resource} never became Ready; last: {last}");
    }

    private static async Task ApplyAsync(KubeApiServer cluster, string yaml)
    {
        var path = Path.Combine(cluster.WorkDirectory, Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(path, yaml);
        await cluster.KubectlAsync("apply", "--validate=false", "-f", path);
    }

    private static string EventJson(string ns) => $$$"""
        {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"probe.{{{Guid.NewGuid():N}}}","namespace":"{{{ns}}}"},
         "eventTime":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffffZ}}}","reportingController":"githubsts.io/operator","reportingInstance":"test",
         "action":"Reconcile","reason":"Probe","type":"Normal","note":"rbac probe",
         "regarding":{{{Regarding(ns)}}}}
        """;

    // As the operator does: Events about the cluster-scoped GitHubApp in kube-system, about a TrustPolicy in its namespace.
    private static string Regarding(string ns) => ns == "kube-system"
        ? """{"apiVersion":"githubsts.io/v1alpha1","kind":"GitHubApp","name":"probe"}"""
        : $$$"""{"apiVersion":"githubsts.io/v1alpha1","kind":"TrustPolicy","namespace":"{{{ns}}}","name":"probe"}""";

    private static HttpClient Client(KubeApiServer cluster, string token)
    {
        var trusted = cluster.CaCertificates;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        var http = new HttpClient(handler) { BaseAddress = cluster.Server, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private async Task<string> Expect(
        HttpClient http, HttpStatusCode expected, HttpMethod method, string path, string? body = null, string contentType = "application/json", string accept = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.ParseAdd(accept);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{method} {path} -> {(int)response.StatusCode}");
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text;
    }
}
