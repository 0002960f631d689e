using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace GithubSts.Benchmarks.Macro;

/// <summary>The cost floor of an exchange: one RS256 (RSA-2048, SHA-256, PKCS#1 v1.5) signature verification on one thread.</summary>
internal static class RsaFloor
{
    /// <summary>
    /// Verifications on one thread over about <paramref name="duration"/>: per second of wall time, and per second of the
    /// thread's own CPU time (what one core does when it is not shared: other processes on the machine do not lower it).
    /// </summary>
    public static (double PerSecond, double PerCpuSecond) VerificationsPerSecond(TimeSpan duration)
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
        var cpuStart = ThreadCpuTime();
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

        var cpu = ThreadCpuTime() - cpuStart;
        return (count * (double)Stopwatch.Frequency / (now - start), count / cpu.TotalSeconds);
    }

    /// <summary>This thread's user + system time, from <c>/proc/thread-self/stat</c> (10 ms resolution).</summary>
    private static TimeSpan ThreadCpuTime()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static void Verify(RSA verifier, byte[] data, byte[] signature)
    {
        if (!verifier.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            throw new InvalidOperationException("RS256 verification failed");
        }
    }
}
