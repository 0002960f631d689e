using System.Security.Cryptography.X509Certificates;

namespace GithubSts.Operator.Hosting.Tls;

internal sealed partial class ServerCertificateReloader
{
    private static void LogLoaded(ILogger logger, X509Certificate2 certificate, string certificateFile)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var notAfter = certificate.NotAfter.ToUniversalTime();
            LogLoaded(logger, certificate.Subject, certificate.Thumbprint, notAfter, certificateFile);
        }
    }

    private static void LogReloaded(ILogger logger, X509Certificate2 certificate)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            var notAfter = certificate.NotAfter.ToUniversalTime();
            LogReloaded(logger, certificate.Subject, certificate.Thumbprint, notAfter);
        }
    }

    /// <summary>
    /// Served anyway (a rotation may be on its way, and refusing to start would take the replica down with it), but
    /// every client will refuse the handshake, so say so at once.
    /// </summary>
    private void WarnIfOutsideValidity(X509Certificate2 certificate)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var notBefore = certificate.NotBefore.ToUniversalTime();
        var notAfter = certificate.NotAfter.ToUniversalTime();
        if (now < notBefore || now > notAfter)
        {
            LogOutsideValidity(_logger, certificate.Thumbprint, notBefore, notAfter);
        }
    }

    [LoggerMessage(EventId = 113, Level = LogLevel.Warning,
        Message = "TLS certificate {Thumbprint} is not valid now (valid from {NotBefore:O} until {NotAfter:O}): clients will refuse the handshake")]
    private static partial void LogOutsideValidity(ILogger logger, string thumbprint, DateTime notBefore, DateTime notAfter);

    [LoggerMessage(EventId = 109, Level = LogLevel.Information,
        Message = "TLS certificate {Subject} ({Thumbprint}, valid until {NotAfter:O}) from {CertificateFile}; reloaded when its files change")]
    private static partial void LogLoaded(ILogger logger, string subject, string thumbprint, DateTime notAfter, string certificateFile);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "TLS certificate reloaded: {Subject} ({Thumbprint}, valid until {NotAfter:O})")]
    private static partial void LogReloaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "TLS certificate not reloaded, still serving {Thumbprint}: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason, string thumbprint);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Cannot watch {Directory} for certificate changes ({Reason}); polling every 30 s")]
    private static partial void LogWatchFailed(ILogger logger, string directory, string reason);
}
