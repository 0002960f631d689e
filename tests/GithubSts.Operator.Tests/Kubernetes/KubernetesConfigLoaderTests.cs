using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using GithubSts.Operator.Kubernetes;
using GithubSts.Testing;

namespace GithubSts.Operator.Tests.Kubernetes;

public sealed class KubernetesConfigLoaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kubeconfig-tests-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Nothing_configured_returns_null()
    {
        Assert.Null(KubernetesConfigLoader.Load(null, Env(("HOME", _dir.FullName)), InClusterRoot()));
    }

    [Fact]
    public async Task Token_user_and_current_context_are_used()
    {
        var path = Write("config", Kubeconfig(
            current: "b",
            clusters: [("c1", "https://one.example:6443", ""), ("c2", "https://two.example:6443", "")],
            users: [("u1", "token: t-one"), ("u2", "token: t-two")],
            contexts: [("a", "c1", "u1", null), ("b", "c2", "u2", "team")]));

        var config = KubernetesConfigLoader.Load(path, Env(), InClusterRoot())!;

        Assert.Equal(new Uri("https://two.example:6443"), config.Server);
        Assert.Equal("team", config.Namespace);
        Assert.Equal("t-two", await BearerAsync(config));
        Assert.False(config.Library.SkipTlsVerify);
        Assert.Null(config.Library.SslCaCerts);
    }

    [Fact]
    public void Namespace_defaults_to_default()
    {
        var path = Write("config", Kubeconfig("a", [("c", "https://k.example", "")], [("u", "token: x")], [("a", "c", "u", null)]));
        Assert.Equal("default", KubernetesConfigLoader.Load(path, Env(), InClusterRoot())!.Namespace);
    }

    [Fact]
    public async Task Token_file_is_resolved_relative_to_the_kubeconfig_and_reread_after_a_minute()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "sub"));
        File.WriteAllText(Path.Combine(_dir.FullName, "sub", "token"), "first\n");
        var path = Write("sub/config", Kubeconfig("a", [("c", "https://k.example", "")], [("u", "tokenFile: token")], [("a", "c", "u", null)]));

        var config = KubernetesConfigLoader.Load(path, Env(), InClusterRoot())!;
        Assert.Equal("first", await BearerAsync(config));

        File.WriteAllText(Path.Combine(_dir.FullName, "sub", "token"), "second");
        Assert.Equal("first", await BearerAsync(config)); // cached for a minute
        LibraryTokenFiles.ExpireCachedToken(config);
        Assert.Equal("second", await BearerAsync(config));
    }

    [Fact]
    public async Task Client_certificate_data_and_ca_data_are_loaded()
    {
        var (certPem, keyPem) = SelfSigned("client");
        var (caPem, _) = SelfSigned("ca");
        var user = $"client-certificate-data: {B64(certPem)}\n    client-key-data: {B64(keyPem)}";
        var path = Write("config", Kubeconfig("a", [("c", "https://k.example", $"certificate-authority-data: {B64(caPem)}")], [("u", user)], [("a", "c", "u", null)]));

        var config = KubernetesConfigLoader.Load(path, Env(), InClusterRoot())!;

        using var client = ClientCertificate(config);
        Assert.True(client.HasPrivateKey);
        Assert.Equal("CN=client", client.Subject);
        var ca = Assert.Single(config.Library.SslCaCerts);
        Assert.Equal("CN=ca", ca.Subject);
        Assert.Null(await BearerAsync(config));
    }

    [Fact]
    public void Client_certificate_and_ca_files_are_resolved_relative_to_the_kubeconfig()
    {
        var (certPem, keyPem) = SelfSigned("client");
        var (caPem, _) = SelfSigned("ca");
        Write("pki/client.crt", certPem);
        Write("pki/client.key", keyPem);
        Write("pki/ca.crt", caPem);
        var user = "client-certificate: pki/client.crt\n    client-key: pki/client.key";
        var path = Write("config", Kubeconfig("a", [("c", "https://k.example", "certificate-authority: pki/ca.crt")], [("u", user)], [("a", "c", "u", null)]));

        var config = KubernetesConfigLoader.Load(path, Env(), InClusterRoot())!;

        using var client = ClientCertificate(config);
        Assert.True(client.HasPrivateKey);
        Assert.Single(config.Library.SslCaCerts);
    }

    [Fact]
    public void Insecure_skip_tls_verify_and_tls_server_name_are_read()
    {
        var path = Write("config", Kubeconfig(
            "a", [("c", "https://10.0.0.1", "insecure-skip-tls-verify: true\n    tls-server-name: kubernetes")], [("u", "token: x")], [("a", "c", "u", null)]));

        var config = KubernetesConfigLoader.Load(path, Env(), InClusterRoot())!;

        Assert.True(config.Library.SkipTlsVerify);
        Assert.Equal("kubernetes", config.Library.TlsServerName);
    }

    [Fact]
    public async Task KUBECONFIG_files_merge_and_the_first_definition_wins()
    {
        var first = Write("first", Kubeconfig("ctx", [("c", "https://first.example", "")], [("u", "token: from-first")], []));
        var second = Write("second", Kubeconfig(
            "ignored", [("c", "https://second.example", "")], [("u", "token: from-second")], [("ctx", "c", "u", "ns2")]));
        var missing = Path.Combine(_dir.FullName, "missing");

        var config = KubernetesConfigLoader.Load(
            null, Env(("KUBECONFIG", string.Join(Path.PathSeparator, missing, first, second)), ("HOME", _dir.FullName)), InClusterRoot())!;

        Assert.Equal(new Uri("https://first.example"), config.Server);
        Assert.Equal("from-first", await BearerAsync(config));
        Assert.Equal("ns2", config.Namespace);
    }

    [Fact]
    public void Home_kube_config_is_the_last_resort()
    {
        Write(".kube/config", Kubeconfig("a", [("c", "https://home.example", "")], [("u", "token: x")], [("a", "c", "u", null)]));

        var config = KubernetesConfigLoader.Load(null, Env(("HOME", _dir.FullName)), InClusterRoot())!;

        Assert.Equal(new Uri("https://home.example"), config.Server);
    }

    [Fact]
    public async Task In_cluster_files_are_used_before_KUBECONFIG()
    {
        var (caPem, _) = SelfSigned("cluster-ca");
        Write("sa/token", "sa-token\n");
        Write("sa/ca.crt", caPem);
        Write("sa/namespace", "operator-ns\n");
        var kubeconfig = Write("kubeconfig", Kubeconfig("a", [("c", "https://kubeconfig.example", "")], [("u", "token: x")], [("a", "c", "u", null)]));

        var config = KubernetesConfigLoader.Load(
            null,
            Env(("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("KUBERNETES_SERVICE_PORT", "443"), ("KUBECONFIG", kubeconfig)),
            Path.Combine(_dir.FullName, "sa"))!;

        Assert.Equal(new Uri("https://10.96.0.1:443"), config.Server);
        Assert.Equal("operator-ns", config.Namespace);
        Assert.Equal("sa-token", await BearerAsync(config));
        Assert.IsType<k8s.Authentication.TokenFileAuth>(config.Library.TokenProvider);
        Assert.Equal("CN=cluster-ca", Assert.Single(config.Library.SslCaCerts).Subject);
    }

    [Fact]
    public void In_cluster_prefers_POD_NAMESPACE_and_brackets_IPv6_hosts()
    {
        Write("sa/token", "t");
        Write("sa/namespace", "from-file");

        var config = KubernetesConfigLoader.Load(
            null,
            Env(("KUBERNETES_SERVICE_HOST", "fd00::1"), ("KUBERNETES_SERVICE_PORT", "6443"), ("POD_NAMESPACE", "from-env")),
            Path.Combine(_dir.FullName, "sa"))!;

        Assert.Equal("https://[fd00::1]:6443/", config.Server.AbsoluteUri);
        Assert.Equal("from-env", config.Namespace);
        Assert.Null(config.Library.SslCaCerts);
    }

    [Fact]
    public void In_cluster_needs_the_environment_and_the_token_file()
    {
        Write("sa/namespace", "x");
        var root = Path.Combine(_dir.FullName, "sa");
        Assert.Null(KubernetesConfigLoader.LoadInCluster(Env(("KUBERNETES_SERVICE_HOST", "h"), ("KUBERNETES_SERVICE_PORT", "1")), root));
        Write("sa/token", "t");
        Assert.Null(KubernetesConfigLoader.LoadInCluster(Env(("KUBERNETES_SERVICE_HOST", "h")), root));
        Assert.NotNull(KubernetesConfigLoader.LoadInCluster(Env(("KUBERNETES_SERVICE_HOST", "h"), ("KUBERNETES_SERVICE_PORT", "1")), root));
    }

    [Fact]
    public void Explicit_kubeconfig_wins_over_in_cluster()
    {
        Write("sa/token", "t");
        var path = Write("config", Kubeconfig("a", [("c", "https://explicit.example", "")], [("u", "token: x")], [("a", "c", "u", null)]));

        var config = KubernetesConfigLoader.Load(
            path, Env(("KUBERNETES_SERVICE_HOST", "10.96.0.1"), ("KUBERNETES_SERVICE_PORT", "443")), Path.Combine(_dir.FullName, "sa"))!;

        Assert.Equal(new Uri("https://explicit.example"), config.Server);
    }

    [Fact]
    public void Missing_explicit_kubeconfig_throws()
    {
        var ex = Assert.Throws<KubernetesConfigurationException>(() =>
            KubernetesConfigLoader.Load(Path.Combine(_dir.FullName, "nope"), Env(), InClusterRoot()));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Impersonation_is_refused_with_a_clear_message()
    {
        var path = Write("config", Kubeconfig("a", [("c", "https://k.example", "")], [("u", "token: secret\n    as: someone-else")], [("a", "c", "u", null)]));

        var ex = Assert.Throws<KubernetesConfigurationException>(() => KubernetesConfigLoader.Load(path, Env(), InClusterRoot()));

        Assert.Contains("impersonation", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_and_proxy_url_are_accepted()
    {
        // Exec plugins: KubernetesApiClientTests.An_exec_plugin_kubeconfig_authenticates (the library runs the plugin
        // while building the configuration, so it needs a working one).
        var proxied = Write("proxied", Kubeconfig(
            "a", [("c", "https://k.example", "proxy-url: http://proxy.example:3128")], [("u", "token: x")], [("a", "c", "u", null)]));
        Assert.Equal(new Uri("http://proxy.example:3128"), KubernetesConfigLoader.Load(proxied, Env(), InClusterRoot())!.ProxyUrl);

        var basic = Write("basic", Kubeconfig("a", [("c", "https://k.example", "")], [("u", "username: admin\n    password: secret")], [("a", "c", "u", null)]));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://k.example/");
        await k8s.Kubernetes.CreateCredentials(KubernetesConfigLoader.Load(basic, Env(), InClusterRoot())!.Library).ProcessHttpRequestAsync(request, default);
        Assert.Equal("Basic", request.Headers.Authorization?.Scheme);
    }

    [Fact]
    public void Undefined_cluster_and_invalid_yaml_are_reported()
    {
        var undefined = Write("undefined", Kubeconfig("a", [], [("u", "token: x")], [("a", "nope", "u", null)]));
        Assert.Contains("undefined cluster", Assert.Throws<KubernetesConfigurationException>(
            () => KubernetesConfigLoader.Load(undefined, Env(), InClusterRoot())).Message, StringComparison.Ordinal);

        var invalid = Write("invalid", "clusters: [unclosed");
        Assert.Throws<KubernetesConfigurationException>(() => KubernetesConfigLoader.Load(invalid, Env(), InClusterRoot()));
    }

    /// <summary>The bearer token the library's credentials put on a request (null: none).</summary>
    internal static async Task<string?> BearerAsync(KubernetesClientConfiguration config)
    {
        var credentials = k8s.Kubernetes.CreateCredentials(config.Library);
        if (credentials is null)
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "https://k.example/");
        await credentials.ProcessHttpRequestAsync(request, default);
        return request.Headers.Authorization?.Parameter;
    }

    private static X509Certificate2 ClientCertificate(KubernetesClientConfiguration config)
    {
        // What the library's handler presents: it builds the certificate from these fields.
        var library = config.Library;
        var certPem = library.ClientCertificateData is { } data ? Encoding.UTF8.GetString(Convert.FromBase64String(data)) : File.ReadAllText(library.ClientCertificateFilePath);
        var keyPem = library.ClientCertificateKeyData is { } key ? Encoding.UTF8.GetString(Convert.FromBase64String(key)) : File.ReadAllText(library.ClientKeyFilePath);
        return X509Certificate2.CreateFromPem(certPem, keyPem);
    }

    private string InClusterRoot() => Path.Combine(_dir.FullName, "no-service-account");

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_dir.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private static Dictionary<string, string> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static (string CertificatePem, string KeyPem) SelfSigned(string commonName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static string Kubeconfig(
        string current,
        (string Name, string Server, string Extra)[] clusters,
        (string Name, string Body)[] users,
        (string Name, string Cluster, string User, string? Namespace)[] contexts)
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: Config\n");
        yaml.Append("clusters:\n");
        foreach (var (name, server, extra) in clusters)
        {
            yaml.Append($"- name: {name}\n  cluster:\n    server: {server}\n");
            if (extra.Length > 0)
            {
                yaml.Append($"    {extra}\n");
            }
        }

        yaml.Append("users:\n");
        foreach (var (name, body) in users)
        {
            yaml.Append($"- name: {name}\n  user:\n    {body}\n");
        }

        yaml.Append("contexts:\n");
        foreach (var (name, cluster, user, ns) in contexts)
        {
            yaml.Append($"- name: {name}\n  context:\n    cluster: {cluster}\n    user: {user}\n");
            if (ns is not null)
            {
                yaml.Append($"    namespace: {ns}\n");
            }
        }

        return yaml.Append($"current-context: {current}\n").ToString();
    }
}
