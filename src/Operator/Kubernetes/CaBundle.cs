using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GithubSts.Operator.Kubernetes;

/// <summary>PEM CA bundles: parsing, and a file that is re-read periodically (in-cluster <c>ca.crt</c> may rotate).</summary>
internal static class CaBundle
{
    public static readonly TimeSpan ReloadPeriod = TimeSpan.FromMinutes(5);

    /// <summary>Every certificate in a PEM bundle; throws when there is none.</summary>
    public static X509Certificate2Collection Parse(string pem, string source)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new KubernetesConfigurationException($"The CA bundle from {source} is not valid PEM.", ex);
        }

        return collection.Count > 0 ? collection : throw new KubernetesConfigurationException($"The CA bundle from {source} holds no certificate.");
    }

    /// <summary>A provider that re-reads <paramref name="path"/> at most every <see cref="ReloadPeriod"/>, keeping the last good bundle.</summary>
    public static Func<X509Certificate2Collection?> Reloading(string path, X509Certificate2Collection initial, TimeProvider time)
    {
        var gate = new Lock();
        var current = initial;
        var loadedAt = time.GetTimestamp();
        return () =>
        {
            lock (gate)
            {
                if (time.GetElapsedTime(loadedAt) < ReloadPeriod)
                {
                    return current;
                }

                loadedAt = time.GetTimestamp();
                try
                {
                    current = Parse(File.ReadAllText(path), path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or KubernetesConfigurationException)
                {
                    // Keep the last good bundle; the next period tries again.
                }

                return current;
            }
        };
    }
}
