using System.Security.Cryptography;

namespace GithubSts.Testing.GitHub;

/// <summary>A throwaway GitHub App key pair with its PEM encodings.</summary>
public sealed class TestAppKey : IDisposable
{
    private TestAppKey(RSA key)
    {
        Key = key;
        Pkcs1Pem = key.ExportRSAPrivateKeyPem();
        Pkcs8Pem = key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>The private key (the simulator only uses its public half).</summary>
    public RSA Key { get; }

    /// <summary>"-----BEGIN RSA PRIVATE KEY-----", the format GitHub downloads.</summary>
    public string Pkcs1Pem { get; }

    /// <summary>"-----BEGIN PRIVATE KEY-----".</summary>
    public string Pkcs8Pem { get; }

    public static TestAppKey Create(int keySizeInBits = 2048) => new(RSA.Create(keySizeInBits));

    public void Dispose() => Key.Dispose();
}
