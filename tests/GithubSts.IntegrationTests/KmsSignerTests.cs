using System.Collections.Concurrent;
using GithubSts.IntegrationTests.Infrastructure;
using GithubSts.Testing.Kms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GithubSts.IntegrationTests;

/// <summary>
/// An App whose key lives in a KMS (issue 11 §5), over real HTTP: the service asks a local KMS-compatible endpoint to
/// sign App JWTs, the GitHub simulator trusts only that key's public half, and a second App signs with a file key.
/// </summary>
public sealed class KmsSignerTests
{
    private const string KmsApp = "kms";
    private const long KmsAppId = 5151;

    [Fact]
    public async Task An_app_with_a_kms_signer_exchanges_and_kms_signs_once_for_many_exchanges()
    {
        await using var scenario = await KmsScenario.StartAsync();
        var host = scenario.Host.StartTest();

        for (var i = 0; i < 20; i++)
        {
            using var response = await host.ExchangeAsync(host.Issuer.CreateToken(), app: KmsApp);
            var body = await response.AssertSuccessAsync();
            Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
        }

        var minted = host.IssuedMints();
        Assert.Equal(20, minted.Count);
        Assert.All(minted, m => Assert.Equal(KmsAppId, m.AppId));

        // One JWT serves its whole 9-minute life: one Sign (and the one start-up GetPublicKey), never one per exchange.
        Assert.Equal(1, scenario.Kms.SignCalls);
        Assert.Equal(1, scenario.Kms.GetPublicKeyCalls);
        var metrics = await scenario.MetricsAsync();
        Assert.Contains("githubsts_signer_calls_total{app=\"kms\",result=\"ok\"} 1\n", metrics, StringComparison.Ordinal);

        // README's Metrics table row (MetricsDocumentationTests cannot see it: its service has no KMS signer).
        var family = PrometheusText.Parse(metrics)["githubsts_signer_calls_total"];
        Assert.Equal(ReadmeMetricsTable.ExpectedType(family.Name), family.Type);
        Assert.True(ReadmeMetricsTable.Read()["githubsts_signer_calls_total"].SetEquals(family.Labels));
        Assert.Contains("githubsts_signer_calls_total{app=\"kms\",result=\"access_denied\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("githubsts_signer_calls_total{app=\"default\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kms_down_fails_only_its_app_with_503_and_nothing_minted_then_recovers()
    {
        await using var scenario = await KmsScenario.StartAsync(LocalKmsMode.Unreachable);
        var host = scenario.Host.StartTest();

        using (var down = await host.ExchangeAsync(host.Issuer.CreateToken(), app: KmsApp))
        {
            await down.AssertErrorAsync(503, "temporarily_unavailable");
        }

        host.AssertNothingIssued();

        // The App with a file key does not notice.
        using (var other = await host.ExchangeAsync(host.Issuer.CreateToken(), app: "default"))
        {
            await other.AssertSuccessAsync();
        }

        Assert.Single(host.IssuedMints(), m => m.AppId == StsTestHost.AppId);
        Assert.Contains("githubsts_signer_calls_total{app=\"kms\",result=\"unavailable\"}", await scenario.MetricsAsync(), StringComparison.Ordinal);
        Assert.Contains(scenario.Log.Messages, m => m.Contains("signer_unavailable", StringComparison.Ordinal));

        scenario.Kms.Mode = LocalKmsMode.Serving;
        await Task.Delay(GithubSts.Exchange.GitHub.AppJwtFactory.FailureBackoff + TimeSpan.FromMilliseconds(300));
        host.StartTest();
        using (var recovered = await host.ExchangeAsync(host.Issuer.CreateToken(), app: KmsApp))
        {
            await recovered.AssertSuccessAsync();
        }

        Assert.Single(host.IssuedMints(), m => m.AppId == KmsAppId);
    }

    [Theory]
    [InlineData(LocalKmsMode.AccessDenied)]
    [InlineData(LocalKmsMode.InvalidState)]
    public async Task Kms_refusing_is_503_with_the_access_denied_reason_and_nothing_minted(LocalKmsMode refusal)
    {
        await using var scenario = await KmsScenario.StartAsync(refusal);
        var host = scenario.Host.StartTest();

        using (var refused = await host.ExchangeAsync(host.Issuer.CreateToken(), app: KmsApp))
        {
            var error = await refused.AssertErrorAsync(503, "temporarily_unavailable");
            Assert.DoesNotContain("arn:aws", error.ToString(), StringComparison.Ordinal);
        }

        host.AssertNothingIssued();
        var metrics = await scenario.MetricsAsync();
        Assert.Contains("githubsts_signer_calls_total{app=\"kms\",result=\"access_denied\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("githubsts_token_exchanges_total{reason=\"signer_access_denied\",result=\"signer_unavailable\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains(scenario.Log.Messages, m => m.Contains("signer_access_denied", StringComparison.Ordinal));

        // Neither the secret key nor a signature is ever logged.
        Assert.DoesNotContain(scenario.Log.Messages, m => m.Contains(LocalKms.SecretAccessKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kms_key_that_cannot_sign_is_refused_before_any_signature_is_used()
    {
        await using var scenario = await KmsScenario.StartAsync(keyUsage: "ENCRYPT_DECRYPT");
        var host = scenario.Host.StartTest();

        using (var refused = await host.ExchangeAsync(host.Issuer.CreateToken(), app: KmsApp))
        {
            await refused.AssertErrorAsync(503, "temporarily_unavailable");
        }

        host.AssertNothingIssued();
        Assert.Equal(0, scenario.Kms.SignCalls);
        Assert.Contains(scenario.Log.Messages, m => m.Contains("SIGN_VERIFY", StringComparison.Ordinal));
    }

    /// <summary>The service with two Apps: <c>default</c> (a file key) and <c>kms</c> (signed by a local KMS).</summary>
    private sealed class KmsScenario : IAsyncDisposable
    {
        private readonly string _configPath;

        private KmsScenario(StsTestHost host, LocalKms kms, CapturingLog log, string configPath)
        {
            Host = host;
            Kms = kms;
            Log = log;
            _configPath = configPath;
        }

        public StsTestHost Host { get; }

        public LocalKms Kms { get; }

        public CapturingLog Log { get; }

        public static async Task<KmsScenario> StartAsync(LocalKmsMode mode = LocalKmsMode.Serving, string keyUsage = "SIGN_VERIFY")
        {
            var kms = await LocalKms.StartAsync(keyUsage: keyUsage);
            kms.Mode = mode;
            var log = new CapturingLog();
            var configPath = Path.Combine(Path.GetTempPath(), $"github-sts-kms-{Guid.NewGuid():N}.yaml");
            var host = await StsTestHost.StartAsync(
                (host, environment) =>
                {
                    host.GitHub.AddApp(KmsAppId, "kms-signed", kms.Key);
                    host.GitHub.AddInstallation(
                        KmsAppId, StsTestHost.Org, "Organization", [StsTestHost.Repo, ".github"],
                        new Dictionary<string, string> { ["contents"] = "write", ["metadata"] = "read" });
                    host.GitHub.SetFile(StsTestHost.Org, StsTestHost.Repo, $".github/sts/{KmsApp}/ci.sts.yaml", StsTestHost.Policy());
                    host.SetPolicy("ci", StsTestHost.Policy());
                    File.WriteAllText(configPath, $"""
                        apps:
                          - name: {KmsApp}
                            appId: {KmsAppId}
                            apiUrl: {host.GitHub.ApiUrl}
                            signer:
                              kind: aws-kms
                              keyId: {LocalKms.Alias}
                              region: {LocalKms.Region}
                              serviceUrl: {kms.ServiceUrl}
                        """);
                    environment["GITHUBSTS_CONFIG"] = configPath;
                },
                services => services.AddSingleton<ILoggerProvider>(log));
            return new KmsScenario(host, kms, log, configPath);
        }

        public async Task<string> MetricsAsync()
        {
            using var response = await Host.ManagementClient.GetAsync(new Uri("/metrics", UriKind.Relative));
            return await response.Content.ReadAsStringAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Kms.DisposeAsync();
            File.Delete(_configPath);
        }
    }

    private sealed class CapturingLog : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " | " + exception));

        public void Dispose()
        {
        }
    }
}
