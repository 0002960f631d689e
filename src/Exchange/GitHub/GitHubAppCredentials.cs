using System.Security.Cryptography;
using GithubSts.Exchange.GitHub.Signing;

namespace GithubSts.Exchange.GitHub;

/// <summary>One configured GitHub App: its id, what signs its JWTs (a key or a KMS) and the API it lives on (github.com or GHES).</summary>
/// <remarks>Instances are compared by reference: caches (App JWTs, installations, rate limits) are kept per instance.</remarks>
public sealed class GitHubAppCredentials
{
    public GitHubAppCredentials(string name, long appId, RSA privateKey, Uri apiBaseUrl)
        : this(name, appId, CheckedKeySigner(privateKey), apiBaseUrl)
    {
    }

    /// <param name="signer">Signs the App JWTs: a key in this process, or a KMS that holds it.</param>
    public GitHubAppCredentials(string name, long appId, IAppJwtSigner signer, Uri apiBaseUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(appId);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(apiBaseUrl);
        Name = name;
        AppId = appId;
        Signer = signer;
        ApiBaseUrl = NormaliseBaseUrl(apiBaseUrl);
    }

    public string Name { get; }

    public long AppId { get; }

    /// <summary>Always ends with '/', so relative paths such as "app" resolve below it (GHES "/api/v3/").</summary>
    public Uri ApiBaseUrl { get; }

    public IAppJwtSigner Signer { get; }

    /// <summary>Whether signing leaves the process (a KMS): such calls are counted and may fail.</summary>
    internal bool HasRemoteSigner => Signer is not RsaKeySigner;

    private static RsaKeySigner CheckedKeySigner(RSA privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (privateKey.KeySize < PrivateKeyLoader.MinimumKeySizeBits)
        {
            throw new ArgumentException(
                $"The GitHub App private key must be at least {PrivateKeyLoader.MinimumKeySizeBits} bits.", nameof(privateKey));
        }

        return new RsaKeySigner(privateKey);
    }

    private static Uri NormaliseBaseUrl(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException("The GitHub API base URL must be absolute.", nameof(url));
        }

        // Tokens travel on every call: plain http is only acceptable for a loopback test server.
        var isHttps = string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal);
        var isLoopbackHttp = string.Equals(url.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal) && url.IsLoopback;
        if (!isHttps && !isLoopbackHttp)
        {
            throw new ArgumentException("The GitHub API base URL must use https.", nameof(url));
        }

        if (url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            throw new ArgumentException("The GitHub API base URL must not contain user info, a query or a fragment.", nameof(url));
        }

        var text = url.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/", UriKind.Absolute);
    }
}
