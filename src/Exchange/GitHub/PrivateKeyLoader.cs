using System.Security.Cryptography;

namespace GithubSts.Exchange.GitHub;

/// <summary>Loads a GitHub App RSA private key from inline PEM or from a PEM file.</summary>
/// <remarks>Error messages never echo the input: a malformed inline key would otherwise end up in logs.</remarks>
public static class PrivateKeyLoader
{
    internal const int MinimumKeySizeBits = 2048;
    private const int MaxPemFileBytes = 64 * 1024;
    private const string Pkcs1Label = "RSA PRIVATE KEY";
    private const string Pkcs8Label = "PRIVATE KEY";
    private const string EncryptedPkcs8Label = "ENCRYPTED PRIVATE KEY";

    /// <param name="pemOrPath">PKCS#1 ("BEGIN RSA PRIVATE KEY") or PKCS#8 ("BEGIN PRIVATE KEY") PEM text, or the path of a file holding it.</param>
    public static RSA Load(string pemOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pemOrPath);
        var pem = ContainsPemMarker(pemOrPath) ? pemOrPath : ReadPemFile(pemOrPath);
        return ImportPrivateKey(UnescapeNewlines(pem));
    }

    private static bool ContainsPemMarker(string text) => text.Contains("-----BEGIN", StringComparison.Ordinal);

    private static string ReadPemFile(string path)
    {
        if (!File.Exists(path))
        {
            throw Invalid("The GitHub App private key is neither inline PEM nor the path of an existing file.");
        }

        if (new FileInfo(path).Length > MaxPemFileBytes)
        {
            throw Invalid("The GitHub App private key file is too large to be a PEM key.");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException("The GitHub App private key file could not be read.", ex);
        }

        return ContainsPemMarker(text) ? text : throw Invalid("The GitHub App private key file does not contain a PEM block.");
    }

    // Keys passed through environment variables often arrive on one line with literal "\n" sequences.
    private static string UnescapeNewlines(string pem) =>
        pem.Contains('\n', StringComparison.Ordinal) ? pem : pem.Replace("\\n", "\n", StringComparison.Ordinal);

    private static RSA ImportPrivateKey(string pem)
    {
        ReadOnlySpan<char> remaining = pem;
        var sawEncryptedKey = false;
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            var label = remaining[fields.Label];
            if (label.SequenceEqual(Pkcs1Label) || label.SequenceEqual(Pkcs8Label))
            {
                return Import(remaining[fields.Base64Data], fields.DecodedDataLength, isPkcs1: label.SequenceEqual(Pkcs1Label));
            }

            sawEncryptedKey |= label.SequenceEqual(EncryptedPkcs8Label);
            remaining = remaining[fields.Location.End..];
        }

        throw Invalid(sawEncryptedKey
            ? "The GitHub App private key is encrypted; provide an unencrypted PKCS#1 or PKCS#8 key."
            : "The GitHub App private key must be a PEM block labelled 'RSA PRIVATE KEY' or 'PRIVATE KEY'.");
    }

    private static RSA Import(ReadOnlySpan<char> base64, int decodedLength, bool isPkcs1)
    {
        var der = new byte[decodedLength];
        var rsa = RSA.Create();
        try
        {
            if (!Convert.TryFromBase64Chars(base64, der, out var written))
            {
                throw Invalid("The GitHub App private key PEM block is not valid base64.");
            }

            if (isPkcs1)
            {
                rsa.ImportRSAPrivateKey(der.AsSpan(0, written), out _);
            }
            else
            {
                rsa.ImportPkcs8PrivateKey(der.AsSpan(0, written), out _);
            }

            if (rsa.KeySize < MinimumKeySizeBits)
            {
                throw Invalid($"The GitHub App private key is {rsa.KeySize} bits; at least {MinimumKeySizeBits} bits are required.");
            }

            return rsa;
        }
        catch (CryptographicException ex)
        {
            rsa.Dispose();
            throw new ArgumentException("The GitHub App private key is not a valid RSA private key.", ex);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static ArgumentException Invalid(string message) => new(message);
}
