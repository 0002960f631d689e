using System.Security.Cryptography;
using GithubSts.Exchange.GitHub;
using GithubSts.Testing.GitHub;

namespace GithubSts.Exchange.Tests.GitHub;

public sealed class PrivateKeyLoaderTests
{
    private static readonly byte[] Data = "payload"u8.ToArray();

    [Fact]
    public void Loads_inline_pkcs1_pem()
    {
        using var rsa = PrivateKeyLoader.Load(GitHubTestBed.Key.Pkcs1Pem);
        AssertSameKey(rsa);
    }

    [Fact]
    public void Loads_inline_pkcs8_pem()
    {
        using var rsa = PrivateKeyLoader.Load(GitHubTestBed.Key.Pkcs8Pem);
        AssertSameKey(rsa);
    }

    [Fact]
    public void Loads_pem_from_a_file_path()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, GitHubTestBed.Key.Pkcs1Pem);
            using var rsa = PrivateKeyLoader.Load(path);
            AssertSameKey(rsa);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Loads_pem_whose_newlines_arrived_escaped_from_an_environment_variable()
    {
        using var rsa = PrivateKeyLoader.Load(GitHubTestBed.Key.Pkcs8Pem.Replace("\n", "\\n", StringComparison.Ordinal));
        AssertSameKey(rsa);
    }

    [Fact]
    public void Picks_the_private_key_when_a_certificate_block_comes_first()
    {
        var pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" + GitHubTestBed.Key.Pkcs1Pem;
        using var rsa = PrivateKeyLoader.Load(pem);
        AssertSameKey(rsa);
    }

    [Fact]
    public void Garbage_that_is_neither_pem_nor_a_file_is_rejected_without_echoing_it()
    {
        const string garbage = "MIIEowIBAAKCAQEAnotakeyatall";
        var ex = Assert.Throws<ArgumentException>(() => PrivateKeyLoader.Load(garbage));
        Assert.DoesNotContain(garbage, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_key_body_is_rejected_without_key_material_in_the_message()
    {
        var body = GitHubTestBed.Key.Pkcs1Pem.Split('\n')[1];
        var pem = "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----";
        var ex = Assert.Throws<ArgumentException>(() => PrivateKeyLoader.Load(pem));
        Assert.DoesNotContain(body[..20], ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_under_2048_bits_are_rejected()
    {
        using var weak = TestAppKey.Create(1024);
        var ex = Assert.Throws<ArgumentException>(() => PrivateKeyLoader.Load(weak.Pkcs1Pem));
        Assert.Contains("2048", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_key_is_not_a_private_key()
    {
        var pem = GitHubTestBed.Key.Key.ExportSubjectPublicKeyInfoPem();
        Assert.Throws<ArgumentException>(() => PrivateKeyLoader.Load(pem));
    }

    [Fact]
    public void An_encrypted_key_is_reported_as_such()
    {
        var pem = GitHubTestBed.Key.Key.ExportEncryptedPkcs8PrivateKeyPem(
            "pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));
        var ex = Assert.Throws<ArgumentException>(() => PrivateKeyLoader.Load(pem));
        Assert.Contains("encrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => PrivateKeyLoader.Load("/nonexistent/key.pem"));
        Assert.DoesNotContain("/nonexistent", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertSameKey(RSA loaded)
    {
        Assert.Equal(2048, loaded.KeySize);
        var signature = loaded.SignData(Data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(GitHubTestBed.Key.Key.VerifyData(Data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
