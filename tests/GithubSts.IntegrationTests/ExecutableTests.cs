using System.Diagnostics;

namespace GithubSts.IntegrationTests;

/// <summary>The real <c>github-sts</c> executable refuses to start on invalid configuration, naming the setting.</summary>
public sealed class ExecutableTests
{
    [Theory]
    [InlineData(new[] { "GITHUBSTS_GITHUB_APP_ID=1" }, "sts.identifier")]
    [InlineData(new[] { "GITHUBSTS_STS_IDENTIFIER=sts.example.com" }, "sts.allowedIssuers")]
    [InlineData(new[] { "GITHUBSTS_STS_IDENTIFIER=sts.example.com", "GITHUBSTS_STS_ALLOWED_ISSUERS=" }, "sts.allowedIssuers")]
    [InlineData(new[] { "GITHUBSTS_STS_IDENTIFIER=sts.example.com", "GITHUBSTS_STS_ALLOW_ANY_ISSUER=true" }, "apps")]
    [InlineData(new[] { "GITHUBSTS_STS_IDENTIFIER=sts.example.com", "GITHUBSTS_STS_ALLOWED_ISSUERS=https://token.actions.githubusercontent.com" }, "apps")]
    [InlineData(new[] { "GITHUBSTS_STS_IDENTIFIER=sts.example.com", "GITHUBSTS_STS_ALLOWED_ISSUERS=https://token.actions.githubusercontent.com", "GITHUBSTS_GITHUB_APP_ID=1", "GITHUBSTS_GITHUB_APP_PRIVATE_KEY=/nonexistent.pem" }, "apps[0].privateKey")]
    [InlineData(new[] { "GITHUBSTS_STS_IDENTIFER=typo" }, "GITHUBSTS_STS_IDENTIFER")]
    public async Task Invalid_configuration_stops_startup_naming_the_setting(string[] environment, string setting)
    {
        var start = ServiceStart("--urls", "http://127.0.0.1:0");
        foreach (var pair in environment)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            start.Environment[pair[..equals]] = pair[(equals + 1)..];
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains($"invalid configuration: {setting}", await stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_config_file_is_reported()
    {
        var start = ServiceStart("--config", "/no/such/github-sts.yaml");

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--config: file '/no/such/github-sts.yaml' does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_logs_carry_the_request_id_on_every_line_of_a_request_and_rfc3339_timestamps()
    {
        using var key = Testing.GitHub.TestAppKey.Create();
        var home = Directory.CreateTempSubdirectory("githubsts-json-logs").FullName;
        var port = FreePort();
        var start = ServiceStart("--urls", $"http://127.0.0.1:{port}");
        start.Environment["HOME"] = home;
        start.Environment["KUBECONFIG"] = string.Empty;
        start.Environment.Remove("KUBERNETES_SERVICE_HOST");

        // Started from elsewhere, the service still reads its own appsettings.json (ASP.NET Core at Warning).
        start.WorkingDirectory = home;
        start.Environment["GITHUBSTS_LOGGING_FORMAT"] = "json";
        start.Environment["GITHUBSTS_AUDIT_STDOUT"] = "false";
        start.Environment["GITHUBSTS_MANAGEMENT_URLS"] = "http://127.0.0.1:0";
        start.Environment["GITHUBSTS_STS_IDENTIFIER"] = "https://sts.example.com";
        start.Environment["GITHUBSTS_STS_ALLOWED_ISSUERS"] = "https://token.actions.githubusercontent.com";
        start.Environment["GITHUBSTS_GITHUB_APP_ID"] = "1";
        start.Environment["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = key.Pkcs8Pem;
        start.Environment["GITHUBSTS_GITHUB_API_URL"] = $"http://127.0.0.1:{FreePort()}/";

        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { errors.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Wait for it to listen, with slack for a loaded machine, but stop at once (with its output) if it exits.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            string? requestId = null;
            var listening = DateTime.UtcNow.AddSeconds(30);
            while (requestId is null && !process.HasExited && DateTime.UtcNow < listening)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/sts/exchange?scope=octo-org/repo&identity=ci");
                    request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");
                    using var response = await http.SendAsync(request);
                    requestId = response.Headers.GetValues("X-Request-Id").Single();
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(requestId is not null, $"the service did not answer on port {port} (exited: {process.HasExited}). stderr:\n{string.Join('\n', errors)}\nstdout:\n{string.Join('\n', lines.TakeLast(20))}");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            System.Text.Json.JsonElement? denied = null;
            while (denied is null && DateTime.UtcNow < deadline)
            {
                denied = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
                    .Cast<System.Text.Json.JsonElement?>()
                    .FirstOrDefault(l => l!.Value.GetProperty("EventId").GetInt32() == 1002);
                await Task.Delay(50);
            }

            Assert.NotNull(denied);
            foreach (var line in lines)
            {
                AssertRfc3339Utc(System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("Timestamp").GetString());
            }

            var scopes = denied.Value.GetProperty("Scopes").EnumerateArray().ToList();
            Assert.Contains(scopes, s => s.ValueKind == System.Text.Json.JsonValueKind.Object
                && s.TryGetProperty("RequestId", out var id) && id.GetString() == requestId);
            Assert.DoesNotContain(lines, l => System.Text.Json.JsonDocument.Parse(l).RootElement is var line
                && line.GetProperty("Category").GetString()!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                && line.GetProperty("LogLevel").GetString() == "Information");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>
    /// Issue 10: a JSON log timestamp is an RFC 3339 date-time (section 5.6), in UTC, with nothing around it: it parses
    /// with the exact format and matches the grammar's ABNF (a trailing space once made strict parsers reject it).
    /// </summary>
    private static void AssertRfc3339Utc(string? timestamp)
    {
        Assert.NotNull(timestamp);
        Assert.Matches(@"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})\z", timestamp);
        var parsed = DateTimeOffset.ParseExact(
            timestamp, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
        Assert.InRange(parsed, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    /// <summary>
    /// The github-sts executable with ARGS and none of the test's own GITHUBSTS_ variables: the service refuses
    /// unknown ones, and the test environment may carry some (GITHUBSTS_CACHE for the test dependencies).
    /// </summary>
    private static ProcessStartInfo ServiceStart(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "github-sts.dll"));
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GITHUBSTS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        return start;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
