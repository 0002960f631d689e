using System.Diagnostics;
using System.Security.Cryptography;

namespace GithubSts.Benchmarks.Macro;

/// <summary>The cost floor of an exchange: one RS256 (RSA-2048, SHA-256, PKCS#1 v1.5) signature verification on one thread.</summary>
internal static class RsaFloor
{
    /// <summary>Verifications per second on one thread over about <paramref name="duration"/>.</summary>
    public static double VerificationsPerSecond(TimeSpan duration)
    {
        using var rsa = RSA.Create(2048);

        // About the size of a GitHub Actions token's signing input.
        var data = new byte[900];
        data.AsSpan().Fill((byte)'e');
        var signature = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var verifier = RSA.Create(rsa.ExportParameters(includePrivateParameters: false));
        for (var i = 0; i < 200; i++)
        {
            Verify(verifier, data, signature);
        }

        var count = 0L;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long now;
        do
        {
            for (var i = 0; i < 100; i++)
            {
                Verify(verifier, data, signature);
            }

            count += 100;
            now = Stopwatch.GetTimestamp();
        }
        while (now < end);

        return count * (double)Stopwatch.Frequency / (now - start);
    }

    private static void Verify(RSA verifier, byte[] data, byte[] signature)
    {
        if (!verifier.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            throw new InvalidOperationException("RS256 verification failed");
        }
    }
}
