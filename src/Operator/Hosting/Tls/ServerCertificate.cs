using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GithubSts.Exchange.Configuration;

namespace GithubSts.Operator.Hosting.Tls;

/// <summary>
/// One loaded certificate: the leaf with its key, and the handshake context that also sends the intermediates of the
/// certificate file (cert-manager's <c>tls.crt</c> holds the leaf first, then its chain).
/// </summary>
internal sealed class ServerCertificate
{
    private ServerCertificate(X509Certificate2 leaf, SslStreamCertificateContext context, byte[] fingerprint)
    {
        Leaf = leaf;
        Context = context;
        Fingerprint = fingerprint;
    }

    public X509Certificate2 Leaf { get; }

    public SslStreamCertificateContext Context { get; }

    /// <summary>SHA-256 of both files' bytes, to tell a change from a rewrite with the same content.</summary>
    public byte[] Fingerprint { get; }

    /// <summary>SHA-256 of the two files as they are now; throws <see cref="ConfigurationException"/> naming an unreadable one.</summary>
    public static byte[] FingerprintOf(TlsFiles files)
    {
        var (certificate, key) = Read(files);
        return Hash(certificate, key);
    }

    /// <summary>Loads the files; every failure is a <see cref="ConfigurationException"/> naming the setting and the file.</summary>
    public static ServerCertificate Load(TlsFiles files)
    {
        var (certificatePem, keyPem) = Read(files);
        X509Certificate2Collection chain = [];
        try
        {
            chain.ImportFromPem(certificatePem);
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException("tls.certificateFile", $"'{files.CertificateFile}' is not a PEM certificate ({e.Message})");
        }

        if (chain.Count == 0)
        {
            throw new ConfigurationException("tls.certificateFile", $"'{files.CertificateFile}' holds no PEM CERTIFICATE");
        }

        X509Certificate2 leaf;
        try
        {
            // The platform's PEM reader pairs the first certificate with the key and checks that they match (a key of
            // another certificate is an ArgumentException, an unreadable one a CryptographicException).
            leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            var problem = PemEncoding.TryFind(keyPem, out _)
                ? $"'{files.KeyFile}' is not the private key of the certificate in '{files.CertificateFile}' ({e.Message})"
                : $"'{files.KeyFile}' holds no PEM private key";
            throw new ConfigurationException("tls.keyFile", problem);
        }

        // The rest of the file is the chain the handshake sends after the leaf.
        chain[0].Dispose();
        chain.RemoveAt(0);

        // offline: the chain is what the file holds; nothing is fetched (AIA) while a handshake waits.
        var context = SslStreamCertificateContext.Create(leaf, chain, offline: true);
        return new ServerCertificate(leaf, context, Hash(certificatePem, keyPem));
    }

    private static (string Certificate, string Key) Read(TlsFiles files) =>
        (ReadFile("tls.certificateFile", files.CertificateFile), ReadFile("tls.keyFile", files.KeyFile));

    private static string ReadFile(string setting, string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(setting, $"cannot read '{path}': {e.Message}");
        }
    }

    private static byte[] Hash(string certificate, string key) =>
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(certificate + "\0" + key));
}
