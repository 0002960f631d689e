using System.Text;
using System.Text.Json.Nodes;
using GithubSts.Exchange.Configuration;
using static GithubSts.IntegrationTests.Deployment.ChartTooling;

namespace GithubSts.IntegrationTests.Deployment;

/// <summary>
/// charts/github-sts rendered with <c>helm template</c>: lint, the Deployment's hardening, the ConfigMap, the App Secret
/// rules, optional objects, and no drift from config/crds and config/rbac.
/// </summary>
public sealed class ChartRenderTests
{
    private static readonly string[] OptionalKinds = ["Ingress", "HTTPRoute", "ServiceMonitor", "NetworkPolicy", "Secret"];

    [HelmFact]
    public async Task Helm_lint_passes()
    {
        // Not --strict: the policy/v1beta1 PodDisruptionBudget branch for clusters before 1.21 is a deprecation warning.
        var output = await HelmAsync("lint", ChartDirectory);
        Assert.Contains("0 chart(s) failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[ERROR]", output, StringComparison.Ordinal);
    }

    [HelmFact]
    public async Task The_values_schema_rejects_invalid_values()
    {
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("service.type=Bogus"));
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("config.sts.identifier="));
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("github.appId=1")); // no private key
    }

    [HelmFact]
    public async Task The_deployment_is_hardened_and_runs_the_service_with_its_config()
    {
        var objects = await RenderAsync();
        var deployment = Single(objects, "Deployment", ReleaseFullName);
        Assert.Equal("2", (string?)deployment["spec"]!["replicas"]);
        var pod = deployment["spec"]!["template"]!["spec"]!.AsObject();
        Assert.Equal(ReleaseFullName, (string?)pod["serviceAccountName"]);
        var podSecurity = pod["securityContext"]!;
        Assert.Equal("true", (string?)podSecurity["runAsNonRoot"]);
        Assert.Equal("65532", (string?)podSecurity["runAsUser"]);
        Assert.Equal("RuntimeDefault", (string?)podSecurity["seccompProfile"]!["type"]);

        var container = Assert.Single(pod["containers"]!.AsArray())!;
        var security = container["securityContext"]!;
        Assert.Equal("true", (string?)security["readOnlyRootFilesystem"]);
        Assert.Equal("false", (string?)security["allowPrivilegeEscalation"]);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["--config", "/etc/github-sts/config.yaml", "--urls", "http://0.0.0.0:8080"], container["args"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        // Issue 9 §7.2: the probes use the management port, which the public Service does not carry.
        Assert.Equal("management", (string?)container["readinessProbe"]!["httpGet"]!["port"]);
        Assert.Equal("management", (string?)container["livenessProbe"]!["httpGet"]!["port"]);
        Assert.Equal("8080", (string?)container["ports"]![0]!["containerPort"]);
        var managementPort = Assert.Single(container["ports"]!.AsArray(), p => (string?)p!["name"] == "management")!;
        Assert.Equal("9090", (string?)managementPort["containerPort"]);

        var env = container["env"]!.AsArray();
        var ns = Assert.Single(env, e => (string?)e!["name"] == "GITHUBSTS_KUBERNETES_NAMESPACE")!;
        Assert.Equal("metadata.namespace", (string?)ns["valueFrom"]!["fieldRef"]!["fieldPath"]);
        Assert.DoesNotContain(env, e => ((string?)e!["name"])!.StartsWith("GITHUBSTS_GITHUB_", StringComparison.Ordinal));
        var management = Assert.Single(env, e => (string?)e!["name"] == "GITHUBSTS_MANAGEMENT_URLS")!;
        Assert.Equal("http://0.0.0.0:9090", (string?)management["value"]);

        var mounts = container["volumeMounts"]!.AsArray();
        var tmp = Assert.Single(mounts, m => (string?)m!["mountPath"] == "/tmp")!;
        var volume = Assert.Single(pod["volumes"]!.AsArray(), v => (string?)v!["name"] == (string?)tmp["name"])!;
        Assert.NotNull(volume["emptyDir"]);
        var configMount = Assert.Single(mounts, m => (string?)m!["mountPath"] == "/etc/github-sts")!;
        var configVolume = Assert.Single(pod["volumes"]!.AsArray(), v => (string?)v!["name"] == (string?)configMount["name"])!;
        Assert.Equal(ReleaseFullName, (string?)configVolume["configMap"]!["name"]);

        var labels = deployment["metadata"]!["labels"]!;
        foreach (var label in new[] { "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version", "app.kubernetes.io/component", "app.kubernetes.io/managed-by", "helm.sh/chart" })
        {
            Assert.NotNull(labels[label]);
        }

        var service = Single(objects, "Service", ReleaseFullName);
        var publicPort = Assert.Single(service["spec"]!["ports"]!.AsArray())!;
        Assert.Equal("8080", (string?)publicPort["port"]);
        Assert.Equal("http", (string?)publicPort["targetPort"]);
        Assert.DoesNotContain(objects, o => (string?)o["kind"] == "Service" && o["spec"]!["ports"]!.AsArray().Any(p => (string?)p!["targetPort"] == "management" || (string?)p!["port"] == "9090")
            && (string?)o["metadata"]!["name"] == ReleaseFullName);
        Assert.Equal("1", (string?)Single(objects, "PodDisruptionBudget")["spec"]!["minAvailable"]);
        Assert.NotNull(Single(objects, "ServiceAccount", ReleaseFullName));
    }

    [HelmFact]
    public async Task The_config_map_holds_values_config_and_the_service_accepts_it()
    {
        var objects = await RenderAsync("config.sts.identifier=https://sts.corp.example", "config.sts.allowedIssuers[0]=https://token.actions.githubusercontent.com");
        var configYaml = (string?)Single(objects, "ConfigMap", ReleaseFullName)["data"]!["config.yaml"];
        Assert.NotNull(configYaml);
        var config = Assert.Single(ParseDocuments(configYaml));
        Assert.Equal("https://sts.corp.example", (string?)config["sts"]!["identifier"]);
        Assert.Equal("true", (string?)config["kubernetes"]!["tokenReview"]);

        // The rendered file is a valid configuration for the real loader (unknown keys would be errors).
        var path = Path.Combine(Path.GetTempPath(), $"githubsts-chart-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, configYaml, Encoding.UTF8);
        try
        {
            var options = GithubStsConfigurationLoader.Load(path, new Dictionary<string, string> { ["GITHUBSTS_KUBERNETES_NAMESPACE"] = "github-sts" }, requireApps: false);
            Assert.NotNull(options);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Issue 11 §1: sts.audiences pass through to the service; the schema refuses what the service would.</summary>
    [HelmFact]
    public async Task Sts_audiences_reach_the_config_map_and_bad_lists_are_refused()
    {
        var config = Assert.Single(ParseDocuments((string?)Single(await RenderAsync(), "ConfigMap", ReleaseFullName)["data"]!["config.yaml"] ?? string.Empty));
        Assert.Empty(config["sts"]!["audiences"]!.AsArray());

        var objects = await RenderAsync("config.sts.audiences={https://sts.example.com,github-sts,dd-octo-sts}");
        var configYaml = (string?)Single(objects, "ConfigMap", ReleaseFullName)["data"]!["config.yaml"] ?? string.Empty;
        var path = Path.Combine(Path.GetTempPath(), $"githubsts-chart-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, configYaml, Encoding.UTF8);
        try
        {
            var options = GithubStsConfigurationLoader.Load(path, new Dictionary<string, string> { ["GITHUBSTS_KUBERNETES_NAMESPACE"] = "github-sts" }, requireApps: false, requireIssuers: false);
            Assert.Equal(["https://sts.example.com", "github-sts", "dd-octo-sts"], options.Audiences);
        }
        finally
        {
            File.Delete(path);
        }

        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("config.sts.audiences={github-sts,github-sts}"));
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("config.sts.audiences[0]=has space"));
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("config.sts.audiences[0]="));
    }

    /// <summary>Issue 9 §5.1: the chart never ships "any issuer"; by default only the cluster's own tokens are trusted.</summary>
    [HelmFact]
    public async Task The_chart_trusts_no_outside_issuer_unless_told_and_allow_any_is_explicit()
    {
        var config = Assert.Single(ParseDocuments((string?)Single(await RenderAsync(), "ConfigMap", ReleaseFullName)["data"]!["config.yaml"] ?? string.Empty));
        Assert.Empty(config["sts"]!["allowedIssuers"]!.AsArray());
        Assert.Equal("false", (string?)config["sts"]!["allowAnyIssuer"]);

        var listed = Assert.Single(ParseDocuments((string?)Single(
            await RenderAsync("config.sts.allowedIssuers[0]=https://token.actions.githubusercontent.com"), "ConfigMap", ReleaseFullName)["data"]!["config.yaml"] ?? string.Empty));
        Assert.Equal("https://token.actions.githubusercontent.com", (string?)listed["sts"]!["allowedIssuers"]![0]);

        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("config.sts.allowAnyIssuer=yes"));
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("config.sts.allowedIssuers[0]=token.actions.githubusercontent.com"));
    }

    [HelmFact]
    public async Task App_credentials_come_from_an_existing_secret_without_creating_one()
    {
        var objects = await RenderAsync("github.existingSecret=my-app");
        Assert.DoesNotContain(objects, o => (string?)o["kind"] == "Secret");
        var env = Single(objects, "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        var appId = Assert.Single(env, e => (string?)e!["name"] == "GITHUBSTS_GITHUB_APP_ID")!;
        Assert.Equal("my-app", (string?)appId["valueFrom"]!["secretKeyRef"]!["name"]);
        var key = Assert.Single(env, e => (string?)e!["name"] == "GITHUBSTS_GITHUB_APP_PRIVATE_KEY")!;
        Assert.Equal("my-app", (string?)key["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.Equal("private-key.pem", (string?)key["valueFrom"]!["secretKeyRef"]!["key"]);
    }

    [HelmFact]
    public async Task App_credentials_from_values_become_a_secret()
    {
        var objects = await RenderAsync("github.appId=123456", "github.privateKey=-----BEGIN PRIVATE KEY-----");
        var secret = Single(objects, "Secret");
        Assert.Equal("123456", Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["app-id"]!)));
        Assert.Equal("-----BEGIN PRIVATE KEY-----", Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["private-key.pem"]!)));
        var env = Single(objects, "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        var appId = Assert.Single(env, e => (string?)e!["name"] == "GITHUBSTS_GITHUB_APP_ID")!;
        Assert.Equal((string?)secret["metadata"]!["name"], (string?)appId["valueFrom"]!["secretKeyRef"]!["name"]);
    }

    /// <summary>Issue 13 §3: the one App's webhook secret comes from its Secret, an optional key the chart fills when given.</summary>
    [HelmFact]
    public async Task The_apps_webhook_secret_is_an_optional_key_of_its_secret()
    {
        var objects = await RenderAsync("github.appId=123456", "github.privateKey=-----BEGIN PRIVATE KEY-----", "github.webhookSecret=0123456789abcdef0123");
        var secret = Single(objects, "Secret");
        Assert.Equal("0123456789abcdef0123", Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["webhook-secret"]!)));
        var env = Single(objects, "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        var webhook = Assert.Single(env, e => (string?)e!["name"] == "GITHUBSTS_GITHUB_WEBHOOK_SECRET")!["valueFrom"]!["secretKeyRef"]!;
        Assert.Equal(((string?)secret["metadata"]!["name"], "webhook-secret", "true"), ((string?)webhook["name"], (string?)webhook["key"], (string?)webhook["optional"]));

        // Without a value the created Secret has no such key (deliveries are refused); an existing Secret may hold it.
        Assert.Null(Single(await RenderAsync("github.appId=1", "github.privateKey=k"), "Secret")["data"]!["webhook-secret"]);
        var existing = Single(await RenderAsync("github.existingSecret=my-app", "github.webhookSecretKey=hook"), "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Equal("hook", (string?)Assert.Single(existing, e => (string?)e!["name"] == "GITHUBSTS_GITHUB_WEBHOOK_SECRET")!["valueFrom"]!["secretKeyRef"]!["key"]);
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("github.appId=1", "github.privateKey=k", "github.webhookSecret=short"));
    }

    /// <summary>Issue 11 §5: the one App's key may stay in AWS KMS; then no key Secret exists and the service accepts what is rendered.</summary>
    [HelmFact]
    public async Task A_kms_signed_app_renders_no_secret_and_the_service_accepts_its_variables()
    {
        var objects = await RenderAsync(
            "config.sts.allowedIssuers[0]=https://token.actions.githubusercontent.com",
            "github.appId=123456", "github.signer.kind=aws-kms", "github.signer.keyId=alias/github-sts",
            "github.signer.region=eu-west-1", "github.signer.serviceUrl=https://kms-fips.eu-west-1.amazonaws.com");
        Assert.DoesNotContain(objects, o => (string?)o["kind"] == "Secret");
        var env = Single(objects, "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.DoesNotContain(env, e => (string?)e!["name"] == "GITHUBSTS_GITHUB_APP_PRIVATE_KEY");
        var variables = env
            .Where(e => e!["value"] is not null && ((string?)e!["name"])!.StartsWith("GITHUBSTS_GITHUB_", StringComparison.Ordinal))
            .ToDictionary(e => (string)e!["name"]!, e => (string)e!["value"]!);
        Assert.Equal("123456", variables["GITHUBSTS_GITHUB_APP_ID"]);
        Assert.Equal("aws-kms", variables["GITHUBSTS_GITHUB_APP_SIGNER_KIND"]);

        var configYaml = (string)Single(objects, "ConfigMap", ReleaseFullName)["data"]!["config.yaml"]!;
        var path = Path.Combine(Path.GetTempPath(), $"githubsts-chart-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, configYaml, Encoding.UTF8);
        try
        {
            variables["GITHUBSTS_KUBERNETES_NAMESPACE"] = "github-sts";
            var app = Assert.Single(GithubStsConfigurationLoader.Load(path, variables, requireApps: false).Apps);
            Assert.Equal(123456, app.Credentials.AppId);
            Assert.True(app.Credentials.HasRemoteSigner);
        }
        finally
        {
            File.Delete(path);
        }

        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("github.signer.kind=aws-kms", "github.signer.keyId=k", "github.signer.region=eu-west-1"));
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("github.appId=1", "github.signer.kind=aws-kms", "github.signer.region=eu-west-1"));
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("github.appId=1", "github.signer.kind=gcp-kms", "github.signer.keyId=k", "github.signer.region=r"));
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync(
            "github.existingSecret=my-app", "github.signer.kind=aws-kms", "github.signer.keyId=k", "github.signer.region=eu-west-1"));
    }

    [HelmFact]
    public async Task Optional_objects_are_off_by_default_and_rendered_when_enabled()
    {
        var defaults = await RenderAsync();
        Assert.DoesNotContain(defaults, o => OptionalKinds.Contains((string?)o["kind"]));

        var enabled = await RenderAsync(
            "ingress.enabled=true", "ingress.hosts[0].host=sts.example.com",
            "httpRoute.enabled=true", "httpRoute.parentRefs[0].name=gateway",
            "serviceMonitor.enabled=true", "networkPolicy.enabled=true");
        Assert.Equal("sts.example.com", (string?)Single(enabled, "Ingress")["spec"]!["rules"]![0]!["host"]);
        Assert.Equal(ReleaseFullName, (string?)Single(enabled, "HTTPRoute")["spec"]!["rules"]![0]!["backendRefs"]![0]!["name"]);
        Assert.Equal("gateway", (string?)Single(enabled, "HTTPRoute")["spec"]!["parentRefs"]![0]!["name"]);
        // The ServiceMonitor scrapes the management port through a Service of its own, never the public one.
        var monitor = Single(enabled, "ServiceMonitor");
        Assert.Equal("management", (string?)monitor["spec"]!["endpoints"]![0]!["port"]);
        Assert.Equal("management", (string?)monitor["spec"]!["selector"]!["matchLabels"]!["githubsts.io/listener"]);
        var metricsService = Single(enabled, "Service", ReleaseFullName + "-metrics");
        Assert.Equal("management", (string?)Assert.Single(metricsService["spec"]!["ports"]!.AsArray())!["targetPort"]);
        Assert.Equal("management", (string?)metricsService["metadata"]!["labels"]!["githubsts.io/listener"]);
        var publicService = Single(enabled, "Service", ReleaseFullName);
        Assert.Null(publicService["metadata"]!["labels"]!["githubsts.io/listener"]);
        Assert.DoesNotContain(publicService["spec"]!["ports"]!.AsArray(), p => (string?)p!["targetPort"] == "management");
        var networkPolicy = Single(enabled, "NetworkPolicy")["spec"]!;
        Assert.NotNull(networkPolicy["egress"]);
        // Enabling the policy must not cut off scraping: the management port is let in too.
        var ingressPorts = networkPolicy["ingress"]!.AsArray().SelectMany(rule => rule!["ports"]!.AsArray()).Select(p => p!["port"]!.ToString()).ToList();
        Assert.Contains("8080", ingressPorts);
        Assert.Contains("9090", ingressPorts);
        var scraperOnly = await RenderAsync(
            "networkPolicy.enabled=true", "networkPolicy.managementFrom[0].namespaceSelector.matchLabels.name=monitoring");
        var managementRule = Single(scraperOnly, "NetworkPolicy")["spec"]!["ingress"]!.AsArray()
            .Single(rule => rule!["ports"]!.AsArray().Any(p => p!["port"]!.ToString() == "9090"))!;
        Assert.Equal("monitoring", (string?)managementRule["from"]![0]!["namespaceSelector"]!["matchLabels"]!["name"]);

        var withoutCrds = await RenderAsync("crds.enabled=false", "podDisruptionBudget.enabled=false");
        Assert.DoesNotContain(withoutCrds, o => (string?)o["kind"] is "CustomResourceDefinition" or "PodDisruptionBudget");
    }

    /// <summary>
    /// Issue 10: the grace period covers the service's whole stop (drain delay + the host's 55 s), the chart has no
    /// preStop hook (the service keeps serving by itself), and a grace period too short for the delay does not render.
    /// </summary>
    [HelmFact]
    public async Task The_grace_period_covers_the_drain_delay_and_the_shutdown_budget()
    {
        var objects = await RenderAsync();
        var pod = Single(objects, "Deployment", ReleaseFullName)["spec"]!["template"]!["spec"]!;
        var config = Assert.Single(ParseDocuments((string?)Single(objects, "ConfigMap", ReleaseFullName)["data"]!["config.yaml"] ?? string.Empty));
        var delay = int.Parse((string?)config["shutdown"]!["drainDelaySeconds"] ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(5, delay);
        var grace = int.Parse((string?)pod["terminationGracePeriodSeconds"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(
            TimeSpan.FromSeconds(grace) > global::GithubSts.Operator.Hosting.GithubStsHost.ShutdownBudget(TimeSpan.FromSeconds(delay)),
            $"terminationGracePeriodSeconds {grace} does not cover the shutdown budget");
        Assert.Null(Assert.Single(pod["containers"]!.AsArray())!["lifecycle"]);

        Assert.NotNull(await RenderAsync("config.shutdown.drainDelaySeconds=14"));
        Assert.NotNull(await RenderAsync("config.shutdown.drainDelaySeconds=0", "terminationGracePeriodSeconds=60"));
        var tooShort = await Assert.ThrowsAsync<HelmException>(() => RenderAsync("config.shutdown.drainDelaySeconds=15"));
        Assert.Contains("shutdown budget of 70 s", tooShort.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("config.shutdown.drainDelaySeconds=61", "terminationGracePeriodSeconds=200"));
    }

    /// <summary>
    /// Issue 11 §6: with <c>tls.enabled</c> the public port speaks https from a mounted TLS Secret (a whole-volume mount,
    /// so renewals reach the pod), the probes stay on the http management port, and no Secret name does not render.
    /// </summary>
    [HelmFact]
    public async Task Tls_mounts_the_secret_and_serves_https_on_the_public_port()
    {
        var plain = Single(await RenderAsync(), "Deployment", ReleaseFullName)["spec"]!["template"]!["spec"]!;
        Assert.DoesNotContain(plain["volumes"]!.AsArray(), v => (string?)v!["name"] == "tls");

        var objects = await RenderAsync("tls.enabled=true", "tls.secretName=github-sts-tls");
        var pod = Single(objects, "Deployment", ReleaseFullName)["spec"]!["template"]!["spec"]!;
        var container = Assert.Single(pod["containers"]!.AsArray())!;
        Assert.Equal(["--config", "/etc/github-sts/config.yaml", "--urls", "https://0.0.0.0:8080"], container["args"]!.AsArray().Select(n => (string?)n));
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"], StringComparer.Ordinal);
        Assert.Equal("/etc/github-sts-tls/tls.crt", env["GITHUBSTS_TLS_CERTIFICATE_FILE"]);
        Assert.Equal("/etc/github-sts-tls/tls.key", env["GITHUBSTS_TLS_KEY_FILE"]);
        var mount = Assert.Single(container["volumeMounts"]!.AsArray(), m => (string?)m!["name"] == "tls")!;
        Assert.Equal("/etc/github-sts-tls", (string?)mount["mountPath"]);
        Assert.Null(mount["subPath"]);
        Assert.Equal("true", (string?)mount["readOnly"]);
        var volume = Assert.Single(pod["volumes"]!.AsArray(), v => (string?)v!["name"] == "tls")!;
        Assert.Equal("github-sts-tls", (string?)volume["secret"]!["secretName"]);
        Assert.Equal("management", (string?)container["readinessProbe"]!["httpGet"]!["port"]);
        Assert.Null(container["readinessProbe"]!["httpGet"]!["scheme"]);
        var port = Assert.Single(Single(objects, "Service", ReleaseFullName)["spec"]!["ports"]!.AsArray())!;
        Assert.Equal("https", (string?)port["appProtocol"]);

        // The service's own checks would refuse these at start-up; the chart refuses them at install.
        var missing = await Assert.ThrowsAsync<HelmException>(() => RenderAsync("tls.enabled=true"));
        Assert.Contains("tls.enabled needs tls.secretName", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HelmException>(() => RenderAsync("tls.enabled=true", "tls.secretName=Not_A_Name"));
    }

    [Fact]
    public void The_chart_crd_sources_are_byte_identical_to_config_crds()
    {
        var config = Path.Combine(RepositoryRoot, "config", "crds");
        var chart = Path.Combine(ChartDirectory, "crds-source");
        Assert.Equal(
            Directory.GetFiles(config, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Directory.GetFiles(chart, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in Directory.GetFiles(config, "*.yaml"))
        {
            Assert.True(
                File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(chart, Path.GetFileName(file)))),
                $"charts/github-sts/crds-source/{Path.GetFileName(file)} differs from config/crds: copy config/crds/*.yaml there.");
        }
    }

    [HelmFact]
    public async Task The_rendered_crds_equal_config_crds_and_are_kept_on_uninstall()
    {
        var rendered = (await RenderAsync()).Where(o => (string?)o["kind"] == "CustomResourceDefinition").ToList();
        var expected = ParseFiles(Path.Combine(RepositoryRoot, "config", "crds"));
        Assert.Equal(expected.Count, rendered.Count);
        foreach (var crd in rendered)
        {
            Assert.Equal("keep", (string?)crd["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        }

        Assert.Equal(expected.Select(Canonical).Order(StringComparer.Ordinal), rendered.Select(Canonical).Order(StringComparer.Ordinal));
    }

    [HelmFact]
    public async Task Config_rbac_and_the_chart_grant_the_same_permissions()
    {
        // Released as "github-sts" in namespace github-sts, the chart's RBAC objects must be config/rbac's exactly.
        var kinds = new[] { "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding" };
        var rendered = (await RenderAsync()).Where(o => kinds.Contains((string?)o["kind"])).ToList();
        var expected = ParseFiles(Path.Combine(RepositoryRoot, "config", "rbac"));
        Assert.Equal(expected.Select(Key).Order(StringComparer.Ordinal), rendered.Select(Key).Order(StringComparer.Ordinal));
        foreach (var want in expected)
        {
            var got = rendered.Single(o => Key(o) == Key(want));
            Assert.Equal(Canonical(want), Canonical(got));
        }

        var view = Single(expected, "ClusterRole", "githubsts-view")["metadata"]!["labels"]!;
        Assert.Equal("true", (string?)view["rbac.authorization.k8s.io/aggregate-to-view"]);
        var edit = Single(expected, "ClusterRole", "githubsts-edit")["metadata"]!["labels"]!;
        Assert.Equal("true", (string?)edit["rbac.authorization.k8s.io/aggregate-to-edit"]);
        Assert.Equal("true", (string?)edit["rbac.authorization.k8s.io/aggregate-to-admin"]);
    }

    private const string ReleaseFullName = ChartReleaseName;

    /// <summary>The object without what the chart adds: its standard labels and the keep annotation.</summary>
    private static string Canonical(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        var metadata = copy["metadata"]!.AsObject();
        if (metadata["labels"] is JsonObject labels)
        {
            foreach (var key in labels.Select(kv => kv.Key).Where(k => k.StartsWith("app.kubernetes.io/", StringComparison.Ordinal) || k.StartsWith("helm.sh/", StringComparison.Ordinal)).ToList())
            {
                labels.Remove(key);
            }

            if (labels.Count == 0)
            {
                metadata.Remove("labels");
            }
        }

        if (metadata["annotations"] is JsonObject annotations)
        {
            annotations.Remove("helm.sh/resource-policy");
            if (annotations.Count == 0)
            {
                metadata.Remove("annotations");
            }
        }

        return copy.ToJsonString();
    }
}
