using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GithubSts.Testing.Redis;

/// <summary>A throw-away CA and a server certificate for 127.0.0.1 / localhost it signed, as PEM files for redis-server.</summary>
public sealed class RedisTls : IDisposable
{
    private readonly string _directory;

    private RedisTls(string directory)
    {
        _directory = directory;
    }

    public string CaFile => Path.Combine(_directory, "ca.pem");

    public string CertificateFile => Path.Combine(_directory, "server.pem");

    public string KeyFile => Path.Combine(_directory, "server.key");

    /// <summary>A second, unrelated CA: a client that trusts only it must refuse the server.</summary>
    public string OtherCaFile => Path.Combine(_directory, "other-ca.pem");

    public static RedisTls Create()
    {
        var tls = new RedisTls(Directory.CreateTempSubdirectory("githubsts-redis-tls").FullName);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = CreateAuthority(caKey, "CN=githubsts test Redis CA");
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var server = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(tls.CaFile, ca.ExportCertificatePem());
        File.WriteAllText(tls.CertificateFile, server.ExportCertificatePem());
        File.WriteAllText(tls.KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = CreateAuthority(otherKey, "CN=githubsts unrelated CA");
        File.WriteAllText(tls.OtherCaFile, other.ExportCertificatePem());
        return tls;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static X509Certificate2 CreateAuthority(ECDsa key, string subject)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
