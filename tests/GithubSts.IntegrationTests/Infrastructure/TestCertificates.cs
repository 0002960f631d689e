using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GithubSts.IntegrationTests.Infrastructure;

/// <summary>
/// A throw-away PKI (root → intermediate → server certificates for 127.0.0.1 and localhost) and the PEM files the
/// service reads, laid out as cert-manager's Secret is: <c>tls.crt</c> (leaf, then intermediate) and <c>tls.key</c>.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _intermediate;
    private int _serial = 1;

    public TestCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        var root = new CertificateRequest("CN=GithubSts Test Root", _rootKey, HashAlgorithmName.SHA256);
        root.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        root.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        root.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(root.PublicKey, false));
        Root = root.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        var intermediate = new CertificateRequest("CN=GithubSts Test Intermediate", _intermediateKey, HashAlgorithmName.SHA256);
        intermediate.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        intermediate.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        intermediate.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(intermediate.PublicKey, false));
        intermediate.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
        using var signed = intermediate.Create(Root, now.AddDays(-1), now.AddDays(20), NextSerial());
        _intermediate = signed.CopyWithPrivateKey(_intermediateKey);
    }

    /// <summary>The only certificate clients trust: the intermediate reaches them only in the service's handshake.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>A new server certificate: its PEM chain (leaf first), its PEM key and its thumbprint.</summary>
    public (string CertificatePem, string KeyPem, string Thumbprint) Issue(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_intermediate, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var leaf = request.Create(_intermediate, now.AddHours(-1), now.AddDays(10), NextSerial());
        return (leaf.ExportCertificatePem() + "\n" + _intermediate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem(), leaf.Thumbprint);
    }

    public void Dispose()
    {
        Root.Dispose();
        _intermediate.Dispose();
        _rootKey.Dispose();
        _intermediateKey.Dispose();
    }

    private byte[] NextSerial() => BitConverter.GetBytes(Interlocked.Increment(ref _serial));
}
