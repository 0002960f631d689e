using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;

namespace GithubSts.IntegrationTests;

/// <summary>
/// Issue 11 §6: the real executable serves <c>--urls https://…</c> with PEM files, sends their chain, picks up rotated
/// files without a restart (as cert-manager rewrites a mounted Secret), keeps the last good certificate when a rewrite
/// is unusable, and refuses to start on any unusable TLS configuration with a message naming the setting and file.
/// </summary>
public sealed class HttpsListenerTests : IDisposable
{
    // The machine running the tests is shared and loaded: generous, but each poll stops as soon as it sees the answer.
    private static readonly TimeSpan ReloadDeadline = TimeSpan.FromSeconds(30);

    private readonly TestCertificates _pki = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-tls").FullName;

    private string CertificateFile => Path.Combine(_directory, "tls.crt");

    private string KeyFile => Path.Combine(_directory, "tls.key");

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Https_serves_the_exchange_and_follows_rewritten_files_keeping_the_last_good_certificate()
    {
        var first = _pki.Issue("first");
        Write(first);
        await using var issuer = await TestOidcIssuer.StartAsync();
        await using var github = await GitHubSimulator.StartAsync();
        using var key = TestAppKey.Create();
        github.AddApp(StsTestHost.AppId, "github-sts-test", key.Key);
        github.AddInstallation(StsTestHost.AppId, StsTestHost.Org, "Organization", [StsTestHost.Repo], new Dictionary<string, string> { ["contents"] = "write" });
        github.SetFile(StsTestHost.Org, StsTestHost.Repo, ".github/sts/default/ci.sts.yaml", StsTestHost.Policy());
        await using var service = await StartAsync(new Dictionary<string, string>
        {
            ["GITHUBSTS_STS_IDENTIFIER"] = StsTestHost.Identifier,
            ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = issuer.Iss,
            ["GITHUBSTS_GITHUB_APP_ID"] = StsTestHost.AppId.ToString(CultureInfo.InvariantCulture),
            ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = key.Pkcs8Pem,
            ["GITHUBSTS_GITHUB_API_URL"] = github.ApiUrl.ToString(),
        });

        // A whole exchange over https, the chain validated against the root alone (the intermediate came in the handshake).
        var served = await ConnectAsync(service, $"/sts/exchange?scope={StsTestHost.Org}/{StsTestHost.Repo}&identity=ci", issuer.CreateToken());
        Assert.Equal(first.Thumbprint, served.Thumbprint);
        Assert.Equal(200, served.Status);
        Assert.Equal(3, served.ChainLength);

        // Rotation: both files rewritten in place.
        var second = _pki.Issue("second");
        Write(second);
        await WaitUntilServedAsync(service, second.Thumbprint);

        // A rewrite that does not load (a key that is not PEM) is logged and changes nothing.
        File.WriteAllText(KeyFile, "not a key\n");
        await WaitForOutputAsync(service, "TLS certificate not reloaded");
        Assert.Contains(service.Output, l => l.Contains(KeyFile, StringComparison.Ordinal));
        Assert.Equal(second.Thumbprint, (await ConnectAsync(service)).Thumbprint);

        // A key that does not belong to the certificate neither.
        var third = _pki.Issue("third");
        var fourth = _pki.Issue("fourth");
        File.WriteAllText(KeyFile, fourth.KeyPem);
        File.WriteAllText(CertificateFile, third.CertificatePem);
        await WaitForOutputAsync(service, "is not the private key of the certificate");
        Assert.Equal(second.Thumbprint, (await ConnectAsync(service)).Thumbprint);

        // Repaired: served again without a restart.
        Write(third);
        await WaitUntilServedAsync(service, third.Thumbprint);
        Assert.False(service.Process.HasExited);
    }

    [Fact]
    public async Task A_mounted_secret_rotated_by_a_symlink_swap_is_picked_up()
    {
        // The layout the kubelet writes for a Secret volume: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>, and an
        // update is a new ..<timestamp> directory and an atomic rename of a new ..data symlink over the old one.
        var first = _pki.Issue("mounted-first");
        WriteVersion("..v1", first);
        File.CreateSymbolicLink(Path.Combine(_directory, "..data"), "..v1");
        File.CreateSymbolicLink(CertificateFile, "..data/tls.crt");
        File.CreateSymbolicLink(KeyFile, "..data/tls.key");
        await using var service = await StartAsync(MinimalEnvironment());
        Assert.Equal(first.Thumbprint, (await ConnectAsync(service)).Thumbprint);

        var second = _pki.Issue("mounted-second");
        WriteVersion("..v2", second);
        File.CreateSymbolicLink(Path.Combine(_directory, "..data_tmp"), "..v2");
        var swap = await ToolProcess.RunAsync("mv", ["-T", Path.Combine(_directory, "..data_tmp"), Path.Combine(_directory, "..data")]);
        Assert.True(swap.ExitCode == 0, swap.Output);
        Directory.Delete(Path.Combine(_directory, "..v1"), recursive: true);
        await WaitUntilServedAsync(service, second.Thumbprint);
    }

    [Fact]
    public async Task An_https_url_without_a_certificate_is_a_startup_error()
    {
        var (exitCode, stderr) = await RunToExitAsync("https://127.0.0.1:0", MinimalEnvironment(tls: false));
        Assert.Equal(2, exitCode);
        Assert.Contains("invalid configuration: tls.certificateFile: is required for the https listener https://127.0.0.1:0", stderr, StringComparison.Ordinal);
        AssertNoStackTrace(stderr);
    }

    [Fact]
    public async Task A_certificate_with_a_plain_http_url_is_a_startup_error()
    {
        Write(_pki.Issue("http"));
        var (exitCode, stderr) = await RunToExitAsync("http://127.0.0.1:0", MinimalEnvironment());
        Assert.Equal(2, exitCode);
        Assert.Contains("invalid configuration: tls.certificateFile: is set, so every public URL must be https://", stderr, StringComparison.Ordinal);
        AssertNoStackTrace(stderr);
    }

    [Fact]
    public async Task A_key_without_a_certificate_is_a_startup_error()
    {
        var environment = MinimalEnvironment();
        environment.Remove("GITHUBSTS_TLS_CERTIFICATE_FILE");
        var (exitCode, stderr) = await RunToExitAsync("https://127.0.0.1:0", environment);
        Assert.Equal(2, exitCode);
        Assert.Contains("invalid configuration: tls.certificateFile: is required with tls.keyFile", stderr, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> UnusableFiles() => new()
    {
        { "missing certificate", "tls.certificateFile: cannot read '{cert}'" },
        { "missing key", "tls.keyFile: cannot read '{key}'" },
        { "certificate not PEM", "tls.certificateFile: '{cert}' holds no PEM CERTIFICATE" },
        { "key not PEM", "tls.keyFile: '{key}' holds no PEM private key" },
        { "mismatched key", "tls.keyFile: '{key}' is not the private key of the certificate in '{cert}'" },
    };

    [Theory]
    [MemberData(nameof(UnusableFiles))]
    public async Task Unusable_certificate_files_are_a_startup_error_naming_the_file(string problem, string message)
    {
        var issued = _pki.Issue("unusable");
        Write(issued);
        switch (problem)
        {
            case "missing certificate":
                File.Delete(CertificateFile);
                break;
            case "missing key":
                File.Delete(KeyFile);
                break;
            case "certificate not PEM":
                File.WriteAllText(CertificateFile, "hello\n");
                break;
            case "key not PEM":
                File.WriteAllText(KeyFile, "hello\n");
                break;
            default:
                File.WriteAllText(KeyFile, _pki.Issue("other").KeyPem);
                break;
        }

        var (exitCode, stderr) = await RunToExitAsync("https://127.0.0.1:0", MinimalEnvironment());
        Assert.Equal(2, exitCode);
        Assert.Contains(
            "github-sts: invalid configuration: " + message.Replace("{cert}", CertificateFile, StringComparison.Ordinal).Replace("{key}", KeyFile, StringComparison.Ordinal),
            stderr,
            StringComparison.Ordinal);
        AssertNoStackTrace(stderr);
    }

    private Dictionary<string, string> MinimalEnvironment(bool tls = true)
    {
        var environment = new Dictionary<string, string>
        {
            ["GITHUBSTS_STS_IDENTIFIER"] = StsTestHost.Identifier,
            ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = "https://token.actions.githubusercontent.com",
            ["GITHUBSTS_GITHUB_APP_ID"] = "1",
            ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = TestAppKey.Create().Pkcs8Pem,
            ["GITHUBSTS_GITHUB_API_URL"] = "http://127.0.0.1:9/",
        };
        if (tls)
        {
            environment["GITHUBSTS_TLS_CERTIFICATE_FILE"] = CertificateFile;
            environment["GITHUBSTS_TLS_KEY_FILE"] = KeyFile;
        }

        return environment;
    }

    private Task<ServiceExecutable> StartAsync(Dictionary<string, string> environment)
    {
        environment["GITHUBSTS_TLS_CERTIFICATE_FILE"] = CertificateFile;
        environment["GITHUBSTS_TLS_KEY_FILE"] = KeyFile;
        environment["GITHUBSTS_AUDIT_STDOUT"] = "false";
        environment["GITHUBSTS_SHUTDOWN_DRAIN_DELAY_SECONDS"] = "0";
        return ServiceExecutable.StartAsync(environment, scheme: "https");
    }

    private void Write((string CertificatePem, string KeyPem, string Thumbprint) issued)
    {
        File.WriteAllText(CertificateFile, issued.CertificatePem);
        File.WriteAllText(KeyFile, issued.KeyPem);
    }

    private void WriteVersion(string version, (string CertificatePem, string KeyPem, string Thumbprint) issued)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory, version)).FullName;
        File.WriteAllText(Path.Combine(directory, "tls.crt"), issued.CertificatePem);
        File.WriteAllText(Path.Combine(directory, "tls.key"), issued.KeyPem);
    }

    private sealed record Served(string Thumbprint, int ChainLength, int Status);

    /// <summary>One request on a new connection (so a new handshake), trusting only the test root.</summary>
    private async Task<Served> ConnectAsync(ServiceExecutable service, string path = "/sts/exchange?scope=octo-org/octo-repo&identity=ci", string? token = null)
    {
        string? thumbprint = null;
        var chainLength = 0;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            if (certificate is not X509Certificate2 leaf || chain is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }

            using var trusted = new X509Chain();
            trusted.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            trusted.ChainPolicy.CustomTrustStore.Add(_pki.Root);
            trusted.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            trusted.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            if (!trusted.Build(leaf))
            {
                return false;
            }

            thumbprint = leaf.Thumbprint;
            chainLength = trusted.ChainElements.Count;
            return true;
        };
        using var http = new HttpClient(handler) { BaseAddress = service.PublicAddress, Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        if (token is null)
        {
            await response.AssertErrorAsync(401, "invalid_token");
        }
        else
        {
            await response.AssertSuccessAsync();
        }

        return new Served(thumbprint!, chainLength, (int)response.StatusCode);
    }

    private async Task WaitUntilServedAsync(ServiceExecutable service, string thumbprint)
    {
        var deadline = DateTime.UtcNow + ReloadDeadline;
        string? served = null;
        while (DateTime.UtcNow < deadline && !service.Process.HasExited)
        {
            served = (await ConnectAsync(service)).Thumbprint;
            if (served == thumbprint)
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"still serving {served}, not {thumbprint}, after {ReloadDeadline} ({service.Describe()})");
    }

    private static async Task WaitForOutputAsync(ServiceExecutable service, string text)
    {
        var deadline = DateTime.UtcNow + ReloadDeadline;
        while (DateTime.UtcNow < deadline && !service.Process.HasExited)
        {
            if (service.Output.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no log line with '{text}' ({service.Describe()})");
    }

    private static async Task<(int ExitCode, string Stderr)> RunToExitAsync(string url, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "github-sts.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GITHUBSTS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["KUBECONFIG"] = string.Empty;
        start.Environment.Remove("KUBERNETES_SERVICE_HOST");
        start.Environment["GITHUBSTS_MANAGEMENT_URLS"] = "http://127.0.0.1:0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await stdout;
        return (process.ExitCode, await stderr);
    }

    private static void AssertNoStackTrace(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }
}
