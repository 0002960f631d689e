using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace GithubSts.Testing.Oidc;

/// <summary>
/// Recycles RSA-2048 key material between tests, because generating a key takes up to seconds on small machines.
/// Material goes back to the pool only when its key is disposed, so keys alive at the same time are always distinct
/// (a cross-issuer test really gets two different keys).
/// </summary>
internal static class RsaKeyPool
{
    private const int PooledBits = 2048;
    private static readonly ConcurrentBag<RSAParameters> Free = [];

    public static RSA Rent(int bits)
    {
        if (bits == PooledBits && Free.TryTake(out var parameters))
        {
            return RSA.Create(parameters);
        }

        var rsa = RSA.Create(bits);
        _ = rsa.ExportParameters(false); // Generate now, not lazily on first use.
        return rsa;
    }

    public static void Return(RSA rsa)
    {
        if (rsa.KeySize == PooledBits)
        {
            Free.Add(rsa.ExportParameters(true));
        }

        rsa.Dispose();
    }
}
