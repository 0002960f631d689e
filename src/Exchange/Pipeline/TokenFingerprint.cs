using System.Security.Cryptography;
using System.Text;

namespace GithubSts.Exchange.Pipeline;

/// <summary>The SHA-256 of an issued token: logged instead of the token so issuance can be traced without exposing it.</summary>
public static class TokenFingerprint
{
    public static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
