using System.Security.Cryptography;

namespace GithubSts.Exchange.Tests.Configuration;

/// <summary>The smallest environment the configuration loader accepts: one issuer, one App with an inline key.</summary>
internal static class MinimalEnvironment
{
    /// <summary>An RSA App key, generated once per test run (2048-bit generation is slow enough to share).</summary>
    public static readonly string AppKeyPem = CreatePem();

    /// <summary>A fresh, mutable copy: tests add or replace variables.</summary>
    public static Dictionary<string, string> Create() => new()
    {
        ["GITHUBSTS_STS_IDENTIFIER"] = "sts.example.com",
        ["GITHUBSTS_STS_ALLOWED_ISSUERS"] = "https://token.actions.githubusercontent.com",
        ["GITHUBSTS_GITHUB_APP_ID"] = "123",
        ["GITHUBSTS_GITHUB_APP_PRIVATE_KEY"] = AppKeyPem,
    };

    private static string CreatePem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    }
}
