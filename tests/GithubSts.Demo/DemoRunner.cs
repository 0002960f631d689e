using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using GithubSts.Testing.GitHub;
using GithubSts.Testing.Oidc;

namespace GithubSts.Demo;

/// <summary>
/// Starts a local OIDC issuer and the GitHub API simulator, runs the real github-sts executable against them,
/// and shows one exchange that is granted and one that is denied.
/// </summary>
internal static class DemoRunner
{
    private const string Identifier = "https://sts.demo.local";
    private const long AppId = 1001;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(bool serve)
    {
        await using var issuer = await TestOidcIssuer.StartAsync();
        await using var github = await GitHubSimulator.StartAsync();
        using var appKey = TestAppKey.Create();
        github.AddApp(AppId, "github-sts-demo", appKey.Key);
        github.AddInstallation(AppId, "demo-org", "Organization", ["api", "web", ".github"],
            new Dictionary<string, string> { ["contents"] = "write", ["issues"] = "write", ["pull_requests"] = "write" });
        github.SetFile("demo-org", "api", ".github/sts/default/deploy.sts.yaml", """
            # Only the main branch of demo-org/api may deploy; it gets read access to code and write access to issues.
            issuer_pattern: http://127\.0\.0\.1:[0-9]+
            subject: repo:demo-org/api:ref:refs/heads/main
            permissions:
              contents: read
              issues: write
            """);

        var directory = Directory.CreateTempSubdirectory("github-sts-demo");
        try
        {
            var configPath = Path.Combine(directory.FullName, "github-sts.yaml");
            await File.WriteAllTextAsync(configPath, $"""
                sts:
                  identifier: {Identifier}
                  allowedIssuers: ["{issuer.Iss}"]
                apps:
                  - name: default
                    appId: {AppId}
                    privateKey: |
                {Indent(appKey.Pkcs8Pem, 6)}
                    apiUrl: {github.ApiUrl}
                """);

            var url = $"http://127.0.0.1:{FreePort()}";
            var managementUrl = $"http://127.0.0.1:{FreePort()}";
            using var service = StartService(configPath, url, managementUrl);
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            using var management = new HttpClient { BaseAddress = new Uri(managementUrl) };
            Step("Starting github-sts", $"GITHUBSTS_MANAGEMENT_URLS={managementUrl} dotnet github-sts.dll --config {configPath} --urls {url}");
            if (!await WaitUntilReadyAsync(management, service))
            {
                await Console.Error.WriteLineAsync("github-sts did not become ready");
                return 1;
            }

            var granted = issuer.CreateToken(t =>
            {
                t.Audience = Identifier;
                t.Subject = "repo:demo-org/api:ref:refs/heads/main";
            });
            Step("1. A workflow on demo-org/api main exchanges its OIDC token", Curl(url, "demo-org/api", "deploy"));
            await ShowAsync(http, granted, "demo-org/api", "deploy");
            var mint = github.Mints[^1];
            Console.WriteLine($"   GitHub simulator recorded the mint request: {mint.RequestJson}");

            var denied = issuer.CreateToken(t =>
            {
                t.Audience = Identifier;
                t.Subject = "repo:demo-org/api:pull_request";
            });
            Step("2. A pull-request run asks for the same policy: denied, nothing minted", Curl(url, "demo-org/api", "deploy"));
            var mintsBefore = github.Mints.Count;
            await ShowAsync(http, denied, "demo-org/api", "deploy");
            Console.WriteLine($"   New mints recorded by the GitHub simulator: {github.Mints.Count - mintsBefore - PolicyReads(github, mintsBefore)}");

            if (serve)
            {
                var fresh = issuer.CreateToken(t =>
                {
                    t.Audience = Identifier;
                    t.Subject = "repo:demo-org/api:ref:refs/heads/main";
                    t.ExpiresAt = DateTimeOffset.UtcNow.AddHours(1);
                });
                Step("Serving until Ctrl+C. Try it yourself (token valid for one hour):",
                    $"curl -s -H 'Authorization: Bearer {fresh}' '{url}/sts/exchange?scope=demo-org/api&identity=deploy'");
                var stop = new TaskCompletionSource();
                Console.CancelKeyPress += (_, e) =>
                {
                    e.Cancel = true;
                    stop.TrySetResult();
                };
                await Task.WhenAny(stop.Task, service.WaitForExitAsync());
            }

            service.Kill(entireProcessTree: true);
            return 0;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Process StartService(string configPath, string url, string managementUrl)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, "github-sts.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { executable, "--config", configPath, "--urls", url })
        {
            start.ArgumentList.Add(argument);
        }

        // The demo needs no cluster: never pick up the developer's kubeconfig or an in-cluster service account.
        start.Environment["KUBECONFIG"] = string.Empty;
        start.Environment["HOME"] = Path.GetDirectoryName(configPath)!;
        start.Environment.Remove("KUBERNETES_SERVICE_HOST");
        start.Environment["GITHUBSTS_MANAGEMENT_URLS"] = managementUrl;

        // The demo prints its own story; the service's log is dropped, its errors are shown.
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start github-sts");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("   [github-sts] " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> WaitUntilReadyAsync(HttpClient http, Process service)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !service.HasExited)
        {
            try
            {
                using var ready = await http.GetAsync("/readyz");
                if (ready.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static async Task ShowAsync(HttpClient http, string token, string scope, string identity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sts/exchange?scope={scope}&identity={identity}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        Console.WriteLine($"   HTTP {(int)response.StatusCode} {response.StatusCode}");
        Console.WriteLine(Indent(JsonSerializer.Serialize(json.RootElement, Indented), 3));
    }

    private static int PolicyReads(GitHubSimulator github, int since) => github.Mints.Skip(since).Count(m => github.IsRevoked(m.Token));

    private static string Curl(string url, string scope, string identity) =>
        $"curl -H 'Authorization: Bearer $OIDC_TOKEN' '{url}/sts/exchange?scope={scope}&identity={identity}'";

    private static void Step(string title, string detail)
    {
        Console.WriteLine();
        Console.WriteLine("== " + title);
        Console.WriteLine("   $ " + detail);
    }

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', spaces) + line.TrimEnd('\r')));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
