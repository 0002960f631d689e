using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GithubSts.Exchange.Configuration;
using GithubSts.Operator.Hosting.Tls;
using GithubSts.Testing;
using Microsoft.Extensions.Logging;

namespace GithubSts.Operator.Tests.Hosting;

/// <summary>
/// The poll that backs up the file watcher (network file systems, lost events): on the service's clock, a rewritten
/// pair is loaded, an unusable one keeps the previous certificate and is logged once, not at every poll.
/// </summary>
public sealed class ServerCertificateReloaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("githubsts-reloader").FullName;
    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingLogger _logger = new();

    private TlsFiles Files => new(Path.Combine(_directory, "tls.crt"), Path.Combine(_directory, "tls.key"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_poll_loads_a_rewrite_and_keeps_the_previous_certificate_when_a_rewrite_does_not_load()
    {
        var first = Write("first");
        using var reloader = new ServerCertificateReloader(Files, ServerCertificate.Load(Files), _clock, _logger);
        await reloader.StartAsync(CancellationToken.None);
        Assert.Equal(first, reloader.Current.Leaf.Thumbprint);

        var second = Write("second");
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(second, reloader.Current.Leaf.Thumbprint);
        Assert.Contains(110, _logger.Events.Select(e => e.Id));

        File.WriteAllText(Files.CertificateFile, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        _clock.Advance(TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(second, reloader.Current.Leaf.Thumbprint);
        var failure = Assert.Single(_logger.Events, e => e.Id == 111);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains(Files.CertificateFile, failure.Message, StringComparison.Ordinal);

        File.Delete(Files.KeyFile);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(second, reloader.Current.Leaf.Thumbprint);

        var third = Write("third");
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(third, reloader.Current.Leaf.Thumbprint);
        await reloader.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Rewriting_the_same_content_loads_nothing()
    {
        Write("same");
        using var reloader = new ServerCertificateReloader(Files, ServerCertificate.Load(Files), _clock, _logger);
        var loaded = reloader.Current;
        File.SetLastWriteTimeUtc(Files.CertificateFile, DateTime.UtcNow.AddMinutes(1));
        reloader.CheckForChange();
        Assert.Same(loaded, reloader.Current);
        Assert.Empty(_logger.Events);
    }

    [Theory]
    [InlineData(-3, -1)]
    [InlineData(1, 3)]
    public async Task A_certificate_outside_its_validity_is_served_with_a_warning(int fromDays, int untilDays)
    {
        var thumbprint = Write("dated", _clock.GetUtcNow().AddDays(fromDays), _clock.GetUtcNow().AddDays(untilDays));
        using var reloader = new ServerCertificateReloader(Files, ServerCertificate.Load(Files), _clock, _logger);
        await reloader.StartAsync(CancellationToken.None);

        Assert.Equal(thumbprint, reloader.Current.Leaf.Thumbprint);
        var warning = Assert.Single(_logger.Events, e => e.Id == 113);
        Assert.Equal(LogLevel.Warning, warning.Level);
        await reloader.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_certificate_within_its_validity_gets_no_warning()
    {
        Write("current", _clock.GetUtcNow().AddDays(-1), _clock.GetUtcNow().AddDays(1));
        using var reloader = new ServerCertificateReloader(Files, ServerCertificate.Load(Files), _clock, _logger);
        await reloader.StartAsync(CancellationToken.None);

        Assert.DoesNotContain(113, _logger.Events.Select(e => e.Id));
        await reloader.StopAsync(CancellationToken.None);
    }

    private string Write(string name) => Write(name, _clock.GetUtcNow().AddHours(-1), _clock.GetUtcNow().AddDays(1));

    private string Write(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        File.WriteAllText(Files.CertificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(Files.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return certificate.Thumbprint;
    }

    private sealed class RecordingLogger : ILogger<ServerCertificateReloader>
    {
        public ConcurrentQueue<(int Id, LogLevel Level, string Message)> Events { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Events.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
