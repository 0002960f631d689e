using System.Globalization;
using System.Text.Json.Nodes;
using GithubSts.Operator.Kubernetes;
using GithubSts.Operator.Kubernetes.Models;
using GithubSts.Operator.Tests.Infrastructure;
using GithubSts.Testing.Kubernetes;
using k8s;
using Xunit.Abstractions;
using KubernetesClientConfiguration = GithubSts.Operator.Kubernetes.KubernetesClientConfiguration;
using WatchEventType = GithubSts.Operator.Kubernetes.WatchEventType;

namespace GithubSts.Operator.Tests.Kubernetes;

[Collection(KubeApiServerGroup.Name)]
public sealed class KubernetesApiClientTests(OperatorKubeFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly KubernetesApiClient _client = fixture.Server.CreateClient(logger: new TestLogger<KubernetesApiClient>(output));

    public void Dispose() => _client.Dispose();

    [KubernetesFact]
    public async Task Secrets_can_be_created_read_listed_replaced_patched_and_deleted()
    {
        var ns = await NamespaceAsync();
        var created = await _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret
        {
            Metadata = new ObjectMeta { Name = "s1", Labels = new Dictionary<string, string> { ["app"] = "x" } },
            Data = new Dictionary<string, byte[]> { ["key"] = [1, 2, 3] },
        }, default);
        Assert.Equal("v1", created.ApiVersion);
        Assert.Equal("Secret", created.Kind);
        Assert.NotNull(created.Metadata.Uid);
        Assert.NotNull(created.Metadata.CreationTimestamp);
        await _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "s2" } }, default);

        var read = await _client.GetAsync<Secret>(ResourceTypes.Secrets, ns, "s1", default);
        Assert.Equal([1, 2, 3], read.Data!["key"]);

        var labelled = await _client.ListAsync<Secret>(ResourceTypes.Secrets, ns, new ListOptions { LabelSelector = "app=x" }, default);
        var only = Assert.Single(labelled.Items);
        Assert.Equal("s1", only.Metadata.Name);
        Assert.Equal("Secret", only.Kind); // filled in client-side
        Assert.NotNull(labelled.Metadata.ResourceVersion);

        var page = await _client.ListAsync<Secret>(ResourceTypes.Secrets, ns, new ListOptions { Limit = 1 }, default);
        Assert.Single(page.Items);
        Assert.NotNull(page.Metadata.Continue);
        var rest = await _client.ListAsync<Secret>(ResourceTypes.Secrets, ns, new ListOptions { Limit = 1, Continue = page.Metadata.Continue }, default);
        Assert.Single(rest.Items);
        Assert.NotEqual(page.Items[0].Metadata.Name, rest.Items[0].Metadata.Name);

        read.Data["key"] = [9];
        var replaced = await _client.ReplaceAsync(ResourceTypes.Secrets, ns, read, default);
        Assert.NotEqual(read.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);

        var patched = await _client.PatchMergeAsync<Secret>(
            ResourceTypes.Secrets, ns, "s1", new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["a"] = "b" } } }, false, default);
        Assert.Equal("b", patched.Metadata.Annotations!["a"]);
        Assert.Equal([9], patched.Data!["key"]);

        await _client.DeleteAsync(ResourceTypes.Secrets, ns, "s1", default);
        await Assert.ThrowsAsync<KubernetesNotFoundException>(() => _client.GetAsync<Secret>(ResourceTypes.Secrets, ns, "s1", default));
    }

    [KubernetesFact]
    public async Task Conflicts_are_typed_for_existing_names_and_stale_resource_versions()
    {
        var ns = await NamespaceAsync();
        var secret = await _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "c" } }, default);

        var exists = await Assert.ThrowsAsync<KubernetesConflictException>(
            () => _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "c" } }, default));
        Assert.True(exists.AlreadyExists);
        Assert.Equal(409, exists.StatusCode);

        await _client.PatchMergeAsync<Secret>(ResourceTypes.Secrets, ns, "c", new JsonObject { ["stringData"] = new JsonObject { ["x"] = "1" } }, false, default);
        var stale = await Assert.ThrowsAsync<KubernetesConflictException>(() => _client.ReplaceAsync(ResourceTypes.Secrets, ns, secret, default));
        Assert.Equal("Conflict", stale.Reason);
        Assert.False(stale.AlreadyExists);

        // A merge patch carrying a stale resourceVersion is refused the same way.
        await Assert.ThrowsAsync<KubernetesConflictException>(() => _client.PatchMergeAsync<Secret>(
            ResourceTypes.Secrets, ns, "c", new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = secret.Metadata.ResourceVersion, ["labels"] = new JsonObject { ["l"] = "v" } } }, false, default));
    }

    [KubernetesFact]
    public async Task Missing_objects_forbidden_calls_and_bad_tokens_are_typed()
    {
        var ns = await NamespaceAsync();
        var missing = await Assert.ThrowsAsync<KubernetesNotFoundException>(() => _client.GetAsync<Secret>(ResourceTypes.Secrets, ns, "absent", default));
        Assert.Equal("NotFound", missing.Reason);
        await Assert.ThrowsAsync<KubernetesNotFoundException>(() => _client.DeleteAsync(ResourceTypes.Secrets, ns, "absent", default));

        using var restricted = fixture.Server.CreateClient(OperatorKubeFixture.RestrictedToken);
        var forbidden = await Assert.ThrowsAsync<KubernetesForbiddenException>(() => restricted.ListAsync<Secret>(ResourceTypes.Secrets, ns, null, default));
        Assert.Contains(OperatorKubeFixture.RestrictedUser, forbidden.Message, StringComparison.Ordinal);

        using var anonymous = fixture.Server.CreateClient("not-a-valid-token");
        await Assert.ThrowsAsync<KubernetesUnauthorizedException>(() => anonymous.GetRawJsonAsync("/version", default));
    }

    [KubernetesFact]
    public async Task A_rotated_in_cluster_token_file_is_picked_up()
    {
        var root = Directory.CreateTempSubdirectory("serviceaccount-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "token"), "not-a-valid-token");
            await File.WriteAllTextAsync(Path.Combine(root, "ca.crt"), string.Concat(fixture.Server.CaCertificates.Select(c => c.ExportCertificatePem() + "\n")));
            var server = fixture.Server.Server;
            var config = KubernetesConfigLoader.LoadInCluster(
                new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = server.Host, ["KUBERNETES_SERVICE_PORT"] = server.Port.ToString(CultureInfo.InvariantCulture) },
                root)!;
            using var client = new KubernetesApiClient(config, new TestLogger<KubernetesApiClient>(output));
            await Assert.ThrowsAsync<KubernetesUnauthorizedException>(() => client.GetAsync<Namespace>(ResourceTypes.Namespaces, null, "default", default));

            // kubelet swaps the projected token file; the library re-reads it once its copy is a minute old.
            await File.WriteAllTextAsync(Path.Combine(root, "token"), fixture.Server.AdminToken + "\n");
            LibraryTokenFiles.ExpireCachedToken(config);

            var ns = await client.GetAsync<Namespace>(ResourceTypes.Namespaces, null, "default", default);
            Assert.Equal("Active", ns.Status?.Phase);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [KubernetesFact]
    public async Task An_exec_plugin_kubeconfig_authenticates()
    {
        var dir = Directory.CreateTempSubdirectory("kubeconfig-exec-").FullName;
        try
        {
            // A credential plugin as kubectl runs it: prints an ExecCredential with a static token the apiserver knows.
            var plugin = Path.Combine(dir, "credential-plugin.sh");
            await File.WriteAllTextAsync(plugin, $$$"""
                #!/bin/sh
                printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"{{{fixture.Server.AdminToken}}}"}}'
                """.ReplaceLineEndings("\n"));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var path = fixture.Server.WriteKubeconfig(Path.Combine(dir, "config"));
            var yaml = await File.ReadAllTextAsync(path);
            var tokenLine = yaml.Split('\n').Single(l => l.TrimStart().StartsWith("token:", StringComparison.Ordinal));
            var indent = tokenLine[..(tokenLine.Length - tokenLine.TrimStart().Length)];
            await File.WriteAllTextAsync(path, yaml.Replace(
                tokenLine,
                $"{indent}exec:\n{indent}  apiVersion: client.authentication.k8s.io/v1beta1\n{indent}  command: {plugin}\n{indent}  interactiveMode: Never",
                StringComparison.Ordinal));

            var config = KubernetesConfigLoader.Load(path, new Dictionary<string, string>())!;
            Assert.IsType<k8s.Authentication.ExecTokenProvider>(config.Library.TokenProvider);
            using var client = new KubernetesApiClient(config, new TestLogger<KubernetesApiClient>(output));

            var ns = await client.GetAsync<Namespace>(ResourceTypes.Namespaces, null, "default", default);
            Assert.Equal("Active", ns.Status?.Phase);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [KubernetesFact]
    public async Task A_kubeconfig_proxy_url_tunnels_the_calls()
    {
        var dir = Directory.CreateTempSubdirectory("kubeconfig-proxy-").FullName;
        try
        {
            await using var proxy = ConnectProxy.Start();
            var path = fixture.Server.WriteKubeconfig(Path.Combine(dir, "config"));
            var yaml = await File.ReadAllTextAsync(path);
            var serverLine = yaml.Split('\n').Single(l => l.TrimStart().StartsWith("server:", StringComparison.Ordinal));
            var indent = serverLine[..(serverLine.Length - serverLine.TrimStart().Length)];
            await File.WriteAllTextAsync(path, yaml.Replace(serverLine, $"{serverLine}\n{indent}proxy-url: {proxy.Address}", StringComparison.Ordinal));

            var config = KubernetesConfigLoader.Load(path, new Dictionary<string, string>())!;
            using var client = new KubernetesApiClient(config, new TestLogger<KubernetesApiClient>(output));
            var ns = await client.GetAsync<Namespace>(ResourceTypes.Namespaces, null, "default", default);

            Assert.Equal("Active", ns.Status?.Phase);
            Assert.Contains($"{fixture.Server.Server.Host}:{fixture.Server.Server.Port}", proxy.Targets);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [KubernetesFact]
    public async Task The_CA_is_enforced_and_a_wrong_one_fails_as_unavailable()
    {
        using var strange = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=other", System.Security.Cryptography.RSA.Create(2048), System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var client = new KubernetesApiClient(
            new KubernetesClientConfiguration
            {
                Library = new() { Host = fixture.Server.Server.ToString(), SslCaCerts = [strange], AccessToken = fixture.Server.AdminToken },
            },
            new TestLogger<KubernetesApiClient>(output));

        await Assert.ThrowsAsync<KubernetesUnavailableException>(() => client.GetRawJsonAsync("/version", default));
    }

    [KubernetesFact]
    public async Task A_kubeconfig_written_by_the_fixture_loads_and_connects()
    {
        var dir = Directory.CreateTempSubdirectory("kubeconfig-").FullName;
        try
        {
            var path = fixture.Server.WriteKubeconfig(Path.Combine(dir, "config"));
            var config = KubernetesConfigLoader.Load(path, new Dictionary<string, string>())!;
            using var client = new KubernetesApiClient(config, new TestLogger<KubernetesApiClient>(output));

            var ns = await client.GetAsync<Namespace>(ResourceTypes.Namespaces, null, "default", default);

            Assert.Equal("Active", ns.Status?.Phase);
            Assert.Contains("default", await fixture.Server.KubectlAsync("get", "namespaces", "-o", "name"), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [KubernetesFact]
    public async Task Status_subresource_writes_change_status_only()
    {
        var crd = await EnsureWidgetCrdAsync();
        var ns = await NamespaceAsync();
        var created = await _client.CreateAsync(crd, ns, Widget("w1", size: 1), default);
        Assert.Equal(1, created.Metadata.Generation);

        var statusPatch = new JsonObject
        {
            ["spec"] = new JsonObject { ["size"] = 99 },
            ["status"] = new JsonObject
            {
                ["observedGeneration"] = 1,
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = "True",
                    ["reason"] = "Tested",
                    ["message"] = "ok",
                    ["lastTransitionTime"] = "2026-01-01T00:00:00Z",
                }),
            },
        };
        var patched = await _client.PatchMergeAsync<UnstructuredObject>(crd, ns, "w1", statusPatch, statusSubresource: true, default);

        Assert.Equal(1, patched.Metadata.Generation);
        Assert.Equal(1, patched.Fields!["spec"].GetProperty("size").GetInt32()); // spec changes are ignored on /status
        Assert.Equal("Ready", patched.Fields["status"].GetProperty("conditions")[0].GetProperty("type").GetString());

        var specPatch = new JsonObject { ["spec"] = new JsonObject { ["size"] = 2 } };
        var bumped = await _client.PatchMergeAsync<UnstructuredObject>(crd, ns, "w1", specPatch, statusSubresource: false, default);
        Assert.Equal(2, bumped.Metadata.Generation);

        var applied = await _client.ApplyAsync<UnstructuredObject>(crd, ns, "w1", new JsonObject
        {
            ["apiVersion"] = crd.ApiVersion,
            ["kind"] = crd.Kind,
            ["metadata"] = new JsonObject { ["name"] = "w1" },
            ["status"] = new JsonObject { ["observedGeneration"] = 2 },
        }, "github-sts-tests", force: true, statusSubresource: true, default);
        Assert.Equal(2, applied.Fields!["status"].GetProperty("observedGeneration").GetInt32());
    }

    [KubernetesFact]
    public async Task TokenReview_authenticates_a_projected_service_account_token()
    {
        var ns = Names.Unique("tr");
        var token = await fixture.Server.CreateTokenAsync(ns, "workload", "github-sts");

        var review = await _client.CallAsync("create TokenReview", (k, ct) => k.AuthenticationV1.CreateTokenReviewAsync(new k8s.Models.V1TokenReview
        {
            Spec = new k8s.Models.V1TokenReviewSpec { Token = token, Audiences = ["github-sts"] },
        }, cancellationToken: ct), default);

        Assert.True(review.Status!.Authenticated);
        Assert.Equal($"system:serviceaccount:{ns}:workload", review.Status.User!.Username);
        Assert.Contains("system:serviceaccounts", review.Status.User.Groups!);
        Assert.Equal(["github-sts"], review.Status.Audiences);

        var wrongAudience = await _client.CallAsync("create TokenReview", (k, ct) => k.AuthenticationV1.CreateTokenReviewAsync(new k8s.Models.V1TokenReview
        {
            Spec = new k8s.Models.V1TokenReviewSpec { Token = token, Audiences = ["someone-else"] },
        }, cancellationToken: ct), default);
        Assert.False(wrongAudience.Status!.Authenticated ?? false); // omitted (null) when false
        Assert.False(string.IsNullOrEmpty(wrongAudience.Status.Error));
    }

    [KubernetesFact]
    public async Task Raw_json_reads_the_issuer_discovery_documents()
    {
        using var discovery = await _client.GetRawJsonAsync("/.well-known/openid-configuration", default);
        Assert.Equal(fixture.Server.ServiceAccountIssuer, discovery.RootElement.GetProperty("issuer").GetString());

        using var jwks = await _client.GetRawJsonAsync("/openid/v1/jwks", default);
        Assert.Equal("RSA", jwks.RootElement.GetProperty("keys")[0].GetProperty("kty").GetString());
    }

    [KubernetesFact]
    public async Task Watch_reports_added_modified_and_deleted()
    {
        var ns = await NamespaceAsync();
        var list = await _client.ListAsync<Secret>(ResourceTypes.Secrets, ns, null, default);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<WatchEvent<Secret>>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in _client.WatchAsync<Secret>(
                ResourceTypes.Secrets, ns, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, TimeoutSeconds = 20 }, cts.Token))
            {
                events.Add(e);
                if (e.Type == WatchEventType.Deleted)
                {
                    return;
                }
            }
        });

        await _client.CreateAsync(ResourceTypes.Secrets, ns, new Secret { Metadata = new ObjectMeta { Name = "w" } }, default);
        await _client.PatchMergeAsync<Secret>(ResourceTypes.Secrets, ns, "w", new JsonObject { ["stringData"] = new JsonObject { ["k"] = "v" } }, false, default);
        await _client.DeleteAsync(ResourceTypes.Secrets, ns, "w", default);
        await watching.WaitAsync(cts.Token);

        var changes = events.Where(e => e.Type != WatchEventType.Bookmark).ToList();
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], changes.Select(e => e.Type));
        Assert.All(changes, e => Assert.Equal("w", e.Object!.Metadata.Name));
        Assert.Equal("Secret", changes[0].Object!.Kind);
        Assert.Equal("v"u8.ToArray(), changes[1].Object!.Data!["k"]);
    }

    [KubernetesFact]
    public async Task Watch_receives_bookmarks_before_its_timeout()
    {
        var ns = await NamespaceAsync();
        var other = await NamespaceAsync();
        var list = await _client.ListAsync<Secret>(ResourceTypes.Secrets, ns, null, default);

        // The watch cache sends a bookmark 2 s before the deadline, once its resourceVersion moved past the watch's
        // (by any write of the resource, here one in another namespace).
        var events = new List<WatchEvent<Secret>>();
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                await Task.Delay(500);
                await _client.CreateAsync(ResourceTypes.Secrets, other, new Secret { Metadata = new ObjectMeta { Name = $"elsewhere-{i}" } }, default);
            }
        });
        await foreach (var e in _client.WatchAsync<Secret>(
            ResourceTypes.Secrets, ns, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, TimeoutSeconds = 4 }, default))
        {
            events.Add(e);
        }

        await writes;
        Assert.Contains(events, e => e.Type == WatchEventType.Bookmark);
        var bookmark = events.First(e => e.Type == WatchEventType.Bookmark);
        Assert.True(long.Parse(bookmark.Object!.Metadata.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture)
            > long.Parse(list.Metadata.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(events, e => e.Type is WatchEventType.Added or WatchEventType.Modified);
    }

    [KubernetesFact]
    public async Task Expired_resource_versions_are_410_on_lists_and_in_watch_streams()
    {
        var ns = await NamespaceAsync();
        var old = await _client.ListAsync<ConfigMap>(ResourceTypes.ConfigMaps, ns, null, default);
        // Two writes: etcd keeps the compaction revision itself, so the watch must start before it.
        await _client.CreateAsync(ResourceTypes.ConfigMaps, ns, new ConfigMap { Metadata = new ObjectMeta { Name = "bump1" } }, default);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, ns, new ConfigMap { Metadata = new ObjectMeta { Name = "bump2" } }, default);
        await fixture.Server.CompactEtcdAsync();

        var gone = await Assert.ThrowsAsync<KubernetesGoneException>(() => _client.ListAsync<ConfigMap>(
            ResourceTypes.ConfigMaps, ns, new ListOptions { ResourceVersion = old.Metadata.ResourceVersion, ResourceVersionMatch = "Exact" }, default));
        Assert.Equal(410, gone.StatusCode);

        // Configmaps bypass the watch cache in this fixture, so etcd itself reports the compaction.
        var events = new List<WatchEvent<ConfigMap>>();
        await foreach (var e in _client.WatchAsync<ConfigMap>(
            ResourceTypes.ConfigMaps, ns, new WatchOptions { ResourceVersion = old.Metadata.ResourceVersion, TimeoutSeconds = 10 }, default))
        {
            events.Add(e);
            if (e.Type == WatchEventType.Error)
            {
                break;
            }
        }

        var error = Assert.Single(events);
        Assert.Equal(WatchEventType.Error, error.Type);
        Assert.True(KubernetesApiException.IsExpired(0, error.Status));
    }

    private async Task<string> NamespaceAsync()
    {
        var ns = Names.Unique("t");
        await _client.CreateAsync(ResourceTypes.Namespaces, null, new Namespace { Metadata = new ObjectMeta { Name = ns } }, default);
        return ns;
    }

    private static UnstructuredObject Widget(string name, int size) =>
        System.Text.Json.JsonSerializer.Deserialize<UnstructuredObject>(
            $$$"""{"apiVersion":"tests.githubsts.io/v1","kind":"Widget","metadata":{"name":"{{{name}}}"},"spec":{"size":{{{size}}}}}""",
            KubernetesApiClient.JsonOptions)!;

    private async Task<ResourceType> EnsureWidgetCrdAsync()
    {
        var type = new ResourceType("tests.githubsts.io", "v1", "widgets", "Widget", Namespaced: true);
        var crd = System.Text.Json.JsonSerializer.Deserialize<UnstructuredObject>("""
            {
              "apiVersion": "apiextensions.k8s.io/v1",
              "kind": "CustomResourceDefinition",
              "metadata": { "name": "widgets.tests.githubsts.io" },
              "spec": {
                "group": "tests.githubsts.io",
                "scope": "Namespaced",
                "names": { "plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList" },
                "versions": [{
                  "name": "v1", "served": true, "storage": true,
                  "subresources": { "status": {} },
                  "schema": { "openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                      "spec": { "type": "object", "properties": { "size": { "type": "integer" } } },
                      "status": { "type": "object", "x-kubernetes-preserve-unknown-fields": true }
                    }
                  } }
                }]
              }
            }
            """, KubernetesApiClient.JsonOptions)!;
        try
        {
            await _client.CreateAsync(ResourceTypes.CustomResourceDefinitions, null, crd, default);
        }
        catch (KubernetesConflictException)
        {
        }

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await _client.ListAsync<UnstructuredObject>(type, null, null, default);
                return true;
            }
            catch (KubernetesNotFoundException)
            {
                return false;
            }
        }, "the Widget CRD is served");
        return type;
    }
}
